"""nnsh's NumPy files checked against NumPy itself.

    python3 Scripts/interop/test_numpy.py PATH/TO/nnsh

1. nnsh saves datasets (class data with names, regression data, pixel images) as .npz and as
   CSV; numpy.load reads the .npz and its arrays equal the CSV's columns.
2. nnsh exports a trained network as .npz and as .safetensors; the .npz arrays equal the
   safetensors tensors (read by hand: an 8-byte length, a JSON header, raw data).
3. NumPy writes archives (savez and savez_compressed) and .npy files; nnsh reads them as
   datasets and saves them as CSV, which equals the arrays NumPy wrote.

Ends with one line, `numpy: N passed, M failed`; exit status 0 when all pass.
"""

import csv
import json
import os
import sys
import tempfile

import numpy as np

from checks import check, finish, nnsh


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = {"F32": "<f4", "F64": "<f8"}[entry["dtype"]]
        out[name] = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype=dtype).reshape(entry["shape"])
    return out


def nnsh_writes(binary, folder):
    with open(os.path.join(folder, "flowers.csv"), "w") as f:
        f.write("length,width,kind\n")
        rng = np.random.default_rng(3)
        for i in range(30):
            kind = ["setosa", "versicolor", "virginica, hybrid"][i % 3]
            f.write(f"{rng.normal(5, 1):.6f},{rng.normal(3, 0.5):.6f},\"{kind}\"\n")
    script = """
        f = csv "flowers.csv" label="kind"
        save f "f.npz"
        save f "f.csv"
        r = runge n=25 seed=4
        save r "r.npz"
        save r "r.csv"
        net = network 2
        add net dense 4 tanh
        add net dense 3 softmax
        train net f epochs=3 quiet
        export net "n.npz"
        export net "n.safetensors"
        """
    if os.path.isdir(MNIST):
        script += f"""
        m = mnist "{MNIST}"
        t = take m.test 50
        save t "m.npz"
        save t "m.csv"
        """
    nnsh(binary, folder, script)

    # Class data: inputs float32, labels int64 numbering class_names, as the CSV says.
    f = np.load(os.path.join(folder, "f.npz"))
    header, rows = read_csv(os.path.join(folder, "f.csv"))
    check(sorted(f.files) == ["class_names", "inputs", "labels"], "class data: inputs, labels, class_names")
    check(f["inputs"].dtype == np.float32 and f["inputs"].shape == (30, 2), "class data: inputs are 30×2 float32")
    check(np.array_equal(f["inputs"], np.array([[float(c) for c in r[:2]] for r in rows], dtype=np.float32)),
          "class data: inputs equal the CSV's features")
    check(f["labels"].dtype == np.int64, "class data: labels are int64")
    names = [str(s) for s in f["class_names"]]
    check(names == ["setosa", "versicolor", "virginica, hybrid"], "class data: class names")
    check([names[k] for k in f["labels"]] == [r[2] for r in rows], "class data: labels name the CSV's classes")

    # Regression data: float64 inputs and targets, as the CSV says.
    r = np.load(os.path.join(folder, "r.npz"))
    header, rows = read_csv(os.path.join(folder, "r.csv"))
    check(sorted(r.files) == ["inputs", "targets"], "regression data: inputs and targets")
    check(np.array_equal(r["inputs"], np.array([[float(x[0])] for x in rows])), "regression data: inputs equal the CSV")
    check(np.array_equal(r["targets"], np.array([[float(x[1])] for x in rows])), "regression data: targets equal the CSV")

    # Weights: the safetensors export's names, shapes and values.
    n = np.load(os.path.join(folder, "n.npz"))
    s = safetensors(os.path.join(folder, "n.safetensors"))
    check(sorted(n.files) == sorted(s) == ["layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight"],
          "weights: the safetensors names")
    check(all(n[k].shape == s[k].shape and n[k].dtype == s[k].dtype and np.array_equal(n[k], s[k]) for k in s),
          "weights: equal to the safetensors tensors")
    check(n["layers.0.weight"].shape == (4, 2), "weights: [outputs, inputs] as PyTorch's nn.Linear")

    if os.path.isdir(MNIST):
        m = np.load(os.path.join(folder, "m.npz"))
        header, rows = read_csv(os.path.join(folder, "m.csv"))
        check(m["inputs"].dtype == np.uint8 and m["inputs"].shape == (50, 28, 28), "MNIST: 50×28×28 uint8 images")
        check(np.array_equal(m["inputs"].reshape(50, 784), np.array([[int(c) for c in r[:784]] for r in rows])),
              "MNIST: pixels equal the CSV's")
        check(list(m["labels"]) == [int(r[784]) for r in rows], "MNIST: labels equal the CSV's")
    else:
        print(f"numpy: MNIST is not in {MNIST}; its check is skipped", file=sys.stderr)


def nnsh_reads(binary, folder):
    rng = np.random.default_rng(11)
    x = rng.normal(size=(20, 3)).astype(np.float32)
    labels = rng.integers(0, 4, size=20)
    names = np.array(["a", "bb", "ccc", "dddd"])
    y = rng.normal(size=(20, 2))
    pixels = rng.integers(0, 256, size=(6, 4, 5), dtype=np.uint8)
    np.savez(os.path.join(folder, "plain.npz"), inputs=x, labels=labels, class_names=names)
    np.savez_compressed(os.path.join(folder, "packed.npz"), x_train=x.astype(np.float64), y_train=y)
    np.savez_compressed(os.path.join(folder, "images.npz"), inputs=pixels, labels=np.arange(6, dtype=np.uint8))
    np.save(os.path.join(folder, "x.npy"), x)
    np.save(os.path.join(folder, "y.npy"), labels.astype(np.int32))
    nnsh(binary, folder, "\n".join([
        'save (npz "plain.npz") "plain.csv"',
        'save (npz "packed.npz" inputs="x_train" labels="y_train") "packed.csv"',
        'save (npz "images.npz") "images.csv"',
        'save (npy "x.npy" "y.npy") "xy.csv"',
    ]) + "\n")

    header, rows = read_csv(os.path.join(folder, "plain.csv"))
    check(np.array_equal(np.array([[float(c) for c in r[:3]] for r in rows], dtype=np.float32), x), "savez: features")
    check([r[3] for r in rows] == [names[k] for k in labels], "savez: labels by class name")
    header, rows = read_csv(os.path.join(folder, "packed.csv"))
    check(header == ["x0", "x1", "x2", "y0", "y1"], "savez_compressed: named arrays, two targets")
    check(np.array_equal(np.array([[float(c) for c in r] for r in rows]), np.hstack([x.astype(np.float64), y])),
          "savez_compressed: features and targets exactly")
    header, rows = read_csv(os.path.join(folder, "images.csv"))
    check(np.array_equal(np.array([[int(c) for c in r[:20]] for r in rows]), pixels.reshape(6, 20)),
          "savez_compressed: uint8 images as pixels")
    check([int(r[20]) for r in rows] == list(range(6)), "savez_compressed: uint8 labels")
    header, rows = read_csv(os.path.join(folder, "xy.csv"))
    check(np.array_equal(np.array([[float(c) for c in r[:3]] for r in rows], dtype=np.float32), x)
          and [int(r[3]) for r in rows] == list(labels), "npy: features and int32 labels")


if __name__ == "__main__":
    binary = os.path.abspath(sys.argv[1])
    MNIST = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "Data", "mnist"))
    with tempfile.TemporaryDirectory() as folder:
        nnsh_writes(binary, folder)
        nnsh_reads(binary, folder)
    finish("numpy")
