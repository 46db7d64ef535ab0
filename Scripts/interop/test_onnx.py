"""nnsh's ONNX export run by onnxruntime.

    python3 Scripts/interop/test_onnx.py PATH/TO/nnsh

1. nnsh exports Models/mnist.nnm (float32, 784 → 300 relu → 10 softmax) as ONNX; onnxruntime
   runs it on 1,000 MNIST test digits (pixels as byte/255, read from the .npz nnsh saves of
   them) and its outputs agree with nnsh's `predict` to 1e-5, and its classes with
   `predict … classes` on every digit.
2. A float64 network with leaky ReLU (alpha 0.1), dropout, tanh, sigmoid, linear and softmax
   layers, trained briefly on standardized MNIST digits: its export takes raw pixels (the
   standardisation is in the graph), and agrees with `predict` on the standardized digits the
   same way.
3. The models' inputs, outputs, opset and metadata are what docs/INTEROP.md says.

nnsh prints its outputs with six significant digits; the outputs compared are probabilities
(softmax), so that rounding is below 1e-6. Ends with one line, `onnx: N passed, M failed`;
exit status 0 when all pass. Needs MNIST in Data/mnist (skipped with the reason otherwise).
"""

import json
import os
import sys
import tempfile

import numpy as np
import onnxruntime as ort

from checks import check, finish, nnsh

TOLERANCE = 1e-5


def printed(stdout, tag):
    """The value printed after `tag` on a line of its own (a list, as JSON)."""
    for line in stdout.splitlines():
        if line.startswith(tag + " "):
            return np.array(json.loads(line[len(tag) + 1:]))
    raise AssertionError(f"nnsh printed no {tag} line")


def compare(name, model, inputs, outputs, classes, dtype):
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    (i,), (o,) = session.get_inputs(), session.get_outputs()
    type_name = {np.float32: "tensor(float)", np.float64: "tensor(double)"}[dtype]
    check(i.name == "input" and i.shape == ["batch", inputs.shape[1]] and i.type == type_name,
          f"{name}: input 'input' [batch, {inputs.shape[1]}] {type_name}")
    check(o.name == "output" and o.shape == ["batch", outputs.shape[1]] and o.type == type_name,
          f"{name}: output 'output' [batch, {outputs.shape[1]}] {type_name}")
    meta = session.get_modelmeta()
    check(meta.producer_name == "nnsh" and "nnsh.version" in meta.custom_metadata_map
          and "nnsh.activations" in meta.custom_metadata_map, f"{name}: producer nnsh, nnsh.* metadata")
    got = session.run(None, {"input": inputs.astype(dtype)})[0]
    check(got.dtype == dtype and got.shape == outputs.shape, f"{name}: outputs {outputs.shape} {np.dtype(dtype)}")
    difference = np.max(np.abs(got - outputs))
    print(f"onnx: {name}: largest difference from predict {difference:.2e} over {outputs.size} outputs")
    check(difference <= TOLERANCE, f"{name}: outputs agree with predict to {TOLERANCE}")
    agree = np.sum(np.argmax(got, axis=1) == classes)
    check(agree == len(classes), f"{name}: classes agree with predict on every digit ({agree}/{len(classes)})")


def run(binary, folder, mnist, model):
    stdout = nnsh(binary, folder, f"""
        d = mnist "{mnist}"
        t = take d.test 1000
        save t "digits.npz"
        m = load "{model}"
        export m "mnist.onnx"
        print "mnist.outputs" (predict m t)
        print "mnist.classes" (predict m t classes)
        s = standardize (take d.train 2000)
        u = standardize t fit=(take d.train 2000)
        n = network 784 precision=float64
        add n dense 32 leaky_relu alpha=0.1
        add n dropout 0.2
        add n dense 24 tanh
        add n dense 16 sigmoid
        add n dense 12 linear
        add n dense 10 softmax
        train n s epochs=2 quiet
        export n "mixed.onnx"
        print "mixed.outputs" (predict n u)
        print "mixed.classes" (predict n u classes)
        """, timeout=900)
    digits = np.load(os.path.join(folder, "digits.npz"))["inputs"].reshape(1000, 784)
    pixels32 = digits.astype(np.float32) / np.float32(255)
    pixels64 = digits.astype(np.float64) / 255
    compare("mnist.nnm (float32)", os.path.join(folder, "mnist.onnx"), pixels32,
            printed(stdout, "mnist.outputs"), printed(stdout, "mnist.classes"), np.float32)
    compare("float64 network, standardized inputs", os.path.join(folder, "mixed.onnx"), pixels64,
            printed(stdout, "mixed.outputs"), printed(stdout, "mixed.classes"), np.float64)


if __name__ == "__main__":
    binary = os.path.abspath(sys.argv[1])
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    mnist = os.path.join(root, "Data", "mnist")
    if not os.path.isdir(mnist):
        print(f"onnx: skipped: MNIST is not in {mnist} (Scripts/fetch-mnist.sh)", file=sys.stderr)
        sys.exit(0)
    with tempfile.TemporaryDirectory() as folder:
        run(binary, folder, mnist, os.path.join(root, "Models", "mnist.nnm"))
    finish("onnx")
