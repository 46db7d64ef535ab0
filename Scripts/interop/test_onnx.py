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
3. A float32 convolutional network (1×28×28 → conv 4 3×3 pad 1 relu → conv 6 3×3 stride 2
   leaky ReLU 0.1 → dropout → 10 softmax), written here as a format 1.2 model file straight from
   docs/FORMAT.md with random weights (so the file format is checked by a second writer): nnsh
   loads it, and its `predict` agrees with a direct NumPy convolution of the same weights, and
   onnxruntime running its ONNX export (Reshape, Conv, Flatten, Gemm) agrees with `predict`,
   both to 1e-5 and on every class. Its safetensors export, read by the `safetensors` package,
   holds the weights under `nn.Sequential`'s names and shapes (conv [F, C, k, k], the dense
   weight as `nn.Linear`'s [outputs, inputs], at index 3 after the dropout), exactly.
4. The models' inputs, outputs, opset and metadata are what docs/INTEROP.md says.
5. `import "x.onnx"`, with models built here from the weights of Models/mnist.nnm (when the
   `onnx` package is importable): one written as torch.onnx.export writes an nn.Sequential
   (Flatten over [N, 1, 28, 28], Gemm transB=1 alpha=1 beta=1, Relu, Dropout, Softmax axis=1),
   one as MatMul + Add with LeakyRelu, Identity and float_data initializers at opset 17, and a
   float64 one with a Sub/Div standardisation and Gemm transB=0 alpha=0.5. nnsh imports each
   and its `predict` agrees with onnxruntime running the same file to 1e-5 and on every class;
   the float64 one (whose standardisation `predict` on a dataset does not apply) is exported
   again by nnsh and onnxruntime runs both files on raw pixels. When a Python here imports
   torch (this one, NNSH_TORCH_PYTHON, or Debian's /usr/bin/python3 with python3-torch), a real
   torch.onnx.export of an nn.Sequential MLP, run by it, is checked the same way. A model with a Conv
   node is refused with a message naming Conv, and the conv network of 3 naming its Reshape.
6. A small CNN with every layer kind that reads images (1×28×28 → conv 4 3×3 relu → batchnorm →
   maxpool 2 → flatten → 10 softmax), trained briefly by nnsh on MNIST digits: onnxruntime
   running its export (Reshape, Conv, BatchNormalization from the running statistics, MaxPool,
   Flatten, Gemm) agrees with `predict` (evaluation mode) to 1e-5 and on every class, and its
   safetensors export holds the batch-normalisation tensors under BatchNorm2d's names.

nnsh prints its outputs with six significant digits; the outputs compared are probabilities
(softmax), so that rounding is below 1e-6. Ends with one line, `onnx: N passed, M failed`;
exit status 0 when all pass. Needs MNIST in Data/mnist (skipped with the reason otherwise).
"""

import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import onnxruntime as ort
from safetensors.numpy import load_file

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
          and ("nnsh.activations" in meta.custom_metadata_map or "nnsh.layers" in meta.custom_metadata_map),
          f"{name}: producer nnsh, nnsh.* metadata")
    got = session.run(None, {"input": inputs.astype(dtype)})[0]
    check(got.dtype == dtype and got.shape == outputs.shape, f"{name}: outputs {outputs.shape} {np.dtype(dtype)}")
    difference = np.max(np.abs(got - outputs))
    print(f"onnx: {name}: largest difference from predict {difference:.2e} over {outputs.size} outputs")
    check(difference <= TOLERANCE, f"{name}: outputs agree with predict to {TOLERANCE}")
    agree = np.sum(np.argmax(got, axis=1) == classes)
    check(agree == len(classes), f"{name}: classes agree with predict on every digit ({agree}/{len(classes)})")


# The convolutional network of check 3: (kind, settings) per layer, as FORMAT.md's LAYR lists them.
CNN = [("conv", dict(channels=1, height=28, width=28, filters=4, kernel=3, stride=1, padding=1, activation="relu", alpha=0.0)),
       ("conv", dict(channels=4, height=28, width=28, filters=6, kernel=3, stride=2, padding=0, activation="leaky_relu", alpha=0.1)),
       ("dropout", dict(rate=0.25)),
       ("dense", dict(width=10, activation="softmax", alpha=0.0))]


def cnn_weights(seed=23):
    """Random float32 tensors for CNN, He-scaled: conv [F, C, k, k] and [F], dense [inputs, 10] and [10]."""
    rng = np.random.default_rng(seed)
    conv1 = rng.normal(0, np.sqrt(2 / 9), (4, 1, 3, 3)), rng.normal(0, 0.1, 4)
    conv2 = rng.normal(0, np.sqrt(2 / 36), (6, 4, 3, 3)), rng.normal(0, 0.1, 6)
    dense = rng.normal(0, np.sqrt(2 / 1014), (6 * 13 * 13, 10)), rng.normal(0, 0.1, 10)
    return [t.astype(np.float32) for pair in (conv1, conv2, dense) for t in pair]


def model_file(layers, input_shape, tensors):
    """A float32 nnsh model file of format 1.2 (docs/FORMAT.md): LAYR, prov, the tensors, CRC-32."""
    u64 = lambda v: struct.pack("<Q", v)
    text = lambda s: u64(len(s.encode())) + s.encode()
    def record(tag, payload):
        return tag.encode() + u64(len(payload)) + payload
    stack = b""
    for kind, settings in layers:
        fields = b""
        for value in settings.values():
            fields += text(value) if isinstance(value, str) else struct.pack("<d", value) if isinstance(value, float) else u64(value)
        stack += text(kind) + u64(len(fields)) + fields
    network = (b"\x04" + u64(len(input_shape)) + b"".join(u64(d) for d in input_shape)
               + text("cross_entropy") + b"\x00" + u64(len(layers)) + stack)
    provenance = text("test_onnx.py") + struct.pack("<q", 0) + b"\x00" + u64(0) + u64(0) + u64(0) + b"\x00" + bytes(32) + u64(0)
    header = record("LAYR", network) + record("prov", provenance)
    data = b""
    for t in tensors:
        rows, columns = (1, t.size) if t.ndim == 1 else (t.shape[0], t.size // t.shape[0])
        data += u64(rows) + u64(columns) + t.astype("<f4").tobytes()
    body = b"\x89NNSH\r\n\x1a" + struct.pack("<HH", 1, 2) + u64(len(header)) + u64(len(data)) + header + data
    return body + struct.pack("<I", zlib.crc32(body))


def convolve(x, weight, bias, stride, padding):
    """Direct 2-D convolution of x [N, C, H, W] by weight [F, C, k, k] (cross-correlation, as PyTorch)."""
    k = weight.shape[2]
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh, ow = (x.shape[2] - k) // stride + 1, (x.shape[3] - k) // stride + 1
    out = np.zeros((x.shape[0], weight.shape[0], oh, ow)) + bias[None, :, None, None]
    for i in range(k):
        for j in range(k):
            patch = x[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            out += np.einsum("nchw,fc->nfhw", patch, weight[:, :, i, j])
    return out


def cnn_reference(pixels, tensors):
    """CNN's outputs by NumPy, in float64, from the same float32 weights."""
    w1, b1, w2, b2, wd, bd = [t.astype(np.float64) for t in tensors]
    a = np.maximum(convolve(pixels.reshape(-1, 1, 28, 28), w1, b1, 1, 1), 0)
    z = convolve(a, w2, b2, 2, 0)
    a = np.where(z > 0, z, 0.1 * z)
    z = a.reshape(len(a), -1) @ wd + bd
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def run(binary, folder, mnist, model):
    tensors = cnn_weights()
    with open(os.path.join(folder, "cnn.nnm"), "wb") as f:
        f.write(model_file(CNN, [1, 28, 28], tensors))
    stdout = nnsh(binary, folder, f"""
        d = mnist "{mnist}"
        t = take d.test 1000
        save t "digits.npz"
        m = load "{model}"
        export m "mnist.onnx"
        export m "weights.npz"
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
        c = load "cnn.nnm"
        export c "cnn.onnx"
        export c "cnn.safetensors"
        print "cnn.outputs" (predict c t)
        print "cnn.classes" (predict c t classes)
        k = network d
        add k conv 4 3 relu
        add k batchnorm
        add k maxpool 2
        add k flatten
        add k dense 10 softmax
        train k (take d.train 1000) epochs=2 quiet
        export k "allkinds.onnx"
        export k "allkinds.safetensors"
        print "allkinds.outputs" (predict k t)
        print "allkinds.classes" (predict k t classes)
        """, timeout=900)
    digits = np.load(os.path.join(folder, "digits.npz"))["inputs"].reshape(1000, 784)
    pixels32 = digits.astype(np.float32) / np.float32(255)
    pixels64 = digits.astype(np.float64) / 255
    compare("mnist.nnm (float32)", os.path.join(folder, "mnist.onnx"), pixels32,
            printed(stdout, "mnist.outputs"), printed(stdout, "mnist.classes"), np.float32)
    compare("float64 network, standardized inputs", os.path.join(folder, "mixed.onnx"), pixels64,
            printed(stdout, "mixed.outputs"), printed(stdout, "mixed.classes"), np.float64)
    outputs, classes = printed(stdout, "cnn.outputs"), printed(stdout, "cnn.classes")
    reference = cnn_reference(pixels64, tensors)
    difference = np.max(np.abs(reference - outputs))
    print(f"onnx: conv network: largest difference of predict from NumPy's convolution {difference:.2e}")
    check(difference <= TOLERANCE, f"conv network: predict agrees with NumPy's convolution to {TOLERANCE}")
    check(np.all(np.argmax(reference, axis=1) == classes), "conv network: predict's classes are NumPy's on every digit")
    compare("conv network (float32)", os.path.join(folder, "cnn.onnx"), pixels32, outputs, classes, np.float32)
    saved = load_file(os.path.join(folder, "cnn.safetensors"))
    w1, b1, w2, b2, wd, bd = tensors
    expected = {"layers.0.weight": w1, "layers.0.bias": b1, "layers.1.weight": w2, "layers.1.bias": b2,
                "layers.3.weight": wd.T, "layers.3.bias": bd}
    check(sorted(saved) == sorted(expected), f"conv network: safetensors names {sorted(saved)}")
    check(all(k in saved and saved[k].shape == v.shape and saved[k].dtype == np.float32 and np.array_equal(saved[k], v)
              for k, v in expected.items()), "conv network: safetensors shapes and values are nn.Sequential's, exactly")
    compare("CNN of every kind, trained (float32)", os.path.join(folder, "allkinds.onnx"), pixels32,
            printed(stdout, "allkinds.outputs"), printed(stdout, "allkinds.classes"), np.float32)
    saved = load_file(os.path.join(folder, "allkinds.safetensors"))
    shapes = {k: list(v.shape) for k, v in saved.items()}
    check(shapes == {"layers.0.weight": [4, 1, 3, 3], "layers.0.bias": [4], "layers.1.weight": [4], "layers.1.bias": [4],
                     "layers.1.running_mean": [4], "layers.1.running_var": [4], "layers.1.num_batches_tracked": [1],
                     "layers.4.weight": [10, 676], "layers.4.bias": [10]},
          f"CNN of every kind: safetensors names and shapes as nn.Sequential with BatchNorm2d ({shapes})")
    check(saved["layers.1.num_batches_tracked"][0] == 2 * 32 and np.all(saved["layers.1.running_var"] > 0)
          and np.any(saved["layers.1.running_mean"] != 0),
          "CNN of every kind: the running statistics are trained ones (two epochs of 32 batches over 1,000 digits)")
    try:
        import onnx  # noqa: F401  (only to build models for import)
    except ImportError as e:
        print(f"onnx: import checks skipped: the onnx package is not importable ({e})", file=sys.stderr)
        return
    check_import(binary, folder, mnist, digits)


def ort_outputs(path, inputs):
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: inputs})[0]


def agree(name, got, expected, classes):
    """nnsh's outputs and classes against onnxruntime's outputs."""
    check(got.shape == expected.shape, f"{name}: outputs {got.shape} == onnxruntime's {expected.shape}")
    if got.shape != expected.shape:
        return
    difference = np.max(np.abs(got - expected))
    print(f"onnx: {name}: largest difference from onnxruntime {difference:.2e} over {expected.size} outputs")
    check(difference <= TOLERANCE, f"{name}: agrees with onnxruntime to {TOLERANCE}")
    same = np.sum(np.argmax(expected, axis=1) == classes)
    check(same == len(classes), f"{name}: classes agree with onnxruntime on every digit ({same}/{len(classes)})")


def build_models(folder, weights, digits):
    """The models nnsh imports, built with onnx.helper; {file: (onnxruntime input, note)}."""
    from onnx import TensorProto, helper, numpy_helper, save_model

    w1, b1 = weights["layers.0.weight"], weights["layers.0.bias"]   # [300, 784], [300]
    w2, b2 = weights["layers.1.weight"], weights["layers.1.bias"]   # [10, 300], [10]
    pixels = digits.astype(np.float32) / np.float32(255)

    def save(name, nodes, initializers, input_type, input_shape, opset):
        graph = helper.make_graph(
            nodes, "mlp", [helper.make_tensor_value_info("input.1", input_type, input_shape)],
            [helper.make_tensor_value_info("probs", input_type, ["N", 10])], initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="pytorch")
        model.ir_version = 8
        save_model(model, os.path.join(folder, name))

    def t(name, array):
        return numpy_helper.from_array(array, name)

    # 1. As torch.onnx.export writes nn.Sequential(Flatten, Linear, ReLU, Dropout, Linear, Softmax).
    save("torch-style.onnx", [
        helper.make_node("Flatten", ["input.1"], ["/0/Flatten_output_0"], name="/0/Flatten", axis=1),
        helper.make_node("Gemm", ["/0/Flatten_output_0", "1.weight", "1.bias"], ["/1/Gemm_output_0"], name="/1/Gemm",
                         alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Relu", ["/1/Gemm_output_0"], ["/2/Relu_output_0"], name="/2/Relu"),
        helper.make_node("Dropout", ["/2/Relu_output_0"], ["/3/Dropout_output_0"], name="/3/Dropout"),
        helper.make_node("Gemm", ["/3/Dropout_output_0", "4.weight", "4.bias"], ["/4/Gemm_output_0"], name="/4/Gemm",
                         alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Softmax", ["/4/Gemm_output_0"], ["probs"], name="/5/Softmax", axis=1),
    ], [t("1.weight", w1), t("1.bias", b1), t("4.weight", w2), t("4.bias", b2)],
        TensorProto.FLOAT, ["N", 1, 28, 28], 13)
    # 2. MatMul + Add, LeakyRelu, Identity, softmax on axis -1; one initializer as float_data.
    save("matmul-add.onnx", [
        helper.make_node("MatMul", ["input.1", "W1"], ["z1"]),
        helper.make_node("Add", ["z1", "b1"], ["h1"]),
        helper.make_node("LeakyRelu", ["h1"], ["a1"], alpha=0.05),
        helper.make_node("Identity", ["a1"], ["i1"]),
        helper.make_node("MatMul", ["i1", "W2"], ["z2"]),
        helper.make_node("Add", ["z2", "b2"], ["h2"]),
        helper.make_node("Softmax", ["h2"], ["probs"], axis=-1),
    ], [t("W1", np.ascontiguousarray(w1.T)), helper.make_tensor("b1", TensorProto.FLOAT, [300], b1.tolist()),
        t("W2", np.ascontiguousarray(w2.T)), t("b2", b2.reshape(1, 10))],
        TensorProto.FLOAT, ["N", 784], 17)
    # 3. float64: Sub/Div standardisation, then Gemm transB=0 with alpha=0.5 on doubled weights.
    mean = pixels.astype(np.float64).mean(axis=0)
    std = pixels.astype(np.float64).std(axis=0)
    std[std == 0] = 1
    save("float64-standardized.onnx", [
        helper.make_node("Sub", ["input.1", "mean"], ["centred"]),
        helper.make_node("Div", ["centred", "std"], ["scaled"]),
        helper.make_node("Gemm", ["scaled", "W1", "b1"], ["h1"], alpha=0.5, transB=0),
        helper.make_node("Relu", ["h1"], ["a1"]),
        helper.make_node("Gemm", ["a1", "W2", "b2"], ["h2"], transB=1),
        helper.make_node("Softmax", ["h2"], ["probs"], axis=1),
    ], [t("mean", mean), t("std", std), t("W1", 2 * np.ascontiguousarray(w1.T).astype(np.float64) * std[:, None]),
        t("b1", b1.astype(np.float64)), t("W2", w2.astype(np.float64)), t("b2", b2.astype(np.float64))],
        TensorProto.DOUBLE, ["N", 784], 13)
    # 4. A convolution, which nnsh refuses by name.
    save("conv.onnx", [
        helper.make_node("Conv", ["input.1", "k"], ["c"], name="/0/Conv", kernel_shape=[3, 3]),
        helper.make_node("Flatten", ["c"], ["f"]),
        helper.make_node("Gemm", ["f", "W", "b"], ["probs"], transB=1),
    ], [t("k", np.ones((1, 1, 3, 3), np.float32)), t("W", np.zeros((10, 676), np.float32)), t("b", np.zeros(10, np.float32))],
        TensorProto.FLOAT, ["N", 1, 28, 28], 13)
    models = {"torch-style.onnx": pixels.reshape(-1, 1, 28, 28), "matmul-add.onnx": pixels}
    np.savez(os.path.join(folder, "torch-weights.npz"), w1=w1, b1=b1, w2=w2, b2=b2)
    exporter = torch_python()
    if exporter is None:
        print("onnx: the torch.onnx.export check is skipped: no Python here imports torch "
              "(Debian: apt-get install python3-torch; or NNSH_TORCH_PYTHON=/path/to/python)", file=sys.stderr)
        return models
    result = subprocess.run([exporter, "-c", TORCH_EXPORT, folder], capture_output=True, text=True, timeout=300)
    why = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    check(result.returncode == 0, f"torch.onnx.export by {exporter} writes torch.onnx" + (f" ({why})" if why else ""))
    if result.returncode == 0:
        print(f"onnx: torch.onnx.export by {exporter}, torch {result.stdout.strip()}")
        models["torch.onnx"] = pixels.reshape(-1, 1, 28, 28)
    return models


# The real exporter: nn.Sequential(Flatten, Linear, ReLU, Dropout, Linear, Softmax) with the
# weights in torch-weights.npz, exported as a user would (opset 17, a dynamic batch axis). Run by
# whichever Python has torch (the test's own venv has none: torch from PyPI pulls gigabytes of
# CUDA); prints torch's version.
TORCH_EXPORT = """
import os, sys
import numpy as np, torch
folder = sys.argv[1]
w = np.load(os.path.join(folder, "torch-weights.npz"))
net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 300), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                          torch.nn.Linear(300, 10), torch.nn.Softmax(dim=1))
with torch.no_grad():
    for layer, (wk, bk) in zip([net[1], net[4]], [("w1", "b1"), ("w2", "b2")]):
        layer.weight.copy_(torch.from_numpy(w[wk]))
        layer.bias.copy_(torch.from_numpy(w[bk]))
net.eval()
options = dict(input_names=["image"], output_names=["probs"], opset_version=17,
               dynamic_axes={"image": {0: "N"}, "probs": {0: "N"}})
path = os.path.join(folder, "torch.onnx")
try:
    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), path, dynamo=False, **options)
except TypeError:   # a torch from before the dynamo= option
    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), path, **options)
print(torch.__version__)
"""


def torch_python():
    """A Python that imports torch: NNSH_TORCH_PYTHON, this one, or Debian's /usr/bin/python3."""
    for candidate in (os.environ.get("NNSH_TORCH_PYTHON"), sys.executable, "/usr/bin/python3"):
        if candidate and os.path.exists(candidate):
            try:
                if subprocess.run([candidate, "-c", "import torch, numpy"], capture_output=True, timeout=120).returncode == 0:
                    return candidate
            except subprocess.TimeoutExpired:
                pass
    return None


def check_import(binary, folder, mnist, digits):
    weights = np.load(os.path.join(folder, "weights.npz"))
    models = build_models(folder, weights, digits)
    script = [f'd = mnist "{mnist}"', "t = take d.test 1000"]
    for i, name in enumerate(models):
        script += [f'n{i} = import "{name}"', f'print "n{i}.outputs" (predict n{i} t)', f'print "n{i}.classes" (predict n{i} t classes)']
    script += ['s = import "float64-standardized.onnx"', 'print "s" s', 'export s "again.onnx"']
    stdout = nnsh(binary, folder, "\n".join(script), timeout=600)
    for i, (name, inputs) in enumerate(models.items()):
        agree(f"import {name}", printed(stdout, f"n{i}.outputs"), ort_outputs(os.path.join(folder, name), inputs),
              printed(stdout, f"n{i}.classes"))
    raw = digits.astype(np.float64) / 255
    check("s <network 784 → 300 relu → 10 softmax" in stdout, "float64-standardized.onnx imports as 784 → 300 relu → 10 softmax")
    again = ort_outputs(os.path.join(folder, "again.onnx"), raw)
    agree("float64-standardized.onnx imported and exported again", again,
          ort_outputs(os.path.join(folder, "float64-standardized.onnx"), raw), np.argmax(again, axis=1))
    check(ort.InferenceSession(os.path.join(folder, "again.onnx")).get_inputs()[0].type == "tensor(double)",
          "float64-standardized.onnx stays float64 through nnsh")
    # Refusals: one line naming the node and the operator; the script stops there. nnsh's own
    # conv network (cnn.onnx, above) exports but is outside the MLP subset import reads.
    for model, expected in [("conv.onnx", "node '/0/Conv' uses the operator Conv, which nnsh cannot import"),
                            ("cnn.onnx", "node 'layers.0.input' uses the operator Reshape, which nnsh cannot import")]:
        path = os.path.join(folder, "refused.nnsh")
        with open(path, "w") as f:
            f.write(f'x = 1\nm = import "{model}"\n')
        result = subprocess.run([binary, path], cwd=folder, capture_output=True, text=True, timeout=60)
        message = result.stderr.strip().splitlines()[0] if result.stderr.strip() else ""
        print(f"onnx: {model}: {message}")
        check(result.returncode != 0 and expected in message, f"{model} is refused: {expected}")


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
