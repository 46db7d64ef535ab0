"""nnsh's TensorBoard logs read back by the tensorboard package.

    python3 Scripts/interop/test_tensorboard.py PATH/TO/nnsh

nnsh trains a classifier (validation by holdout, an exponential schedule) and a regression
network with `log=`, paused by nothing, then trained again into the same folder, and saves
net.history as CSV. The event files are read with tensorboard's EventAccumulator (which checks
the TFRecord CRCs) and, independently, record by record here (length, masked CRC-32C of the
length, data, masked CRC-32C of the data). The scalars must equal the history's figures
(as float32), at steps = the history's epochs, and lr must follow the schedule.

Ends with one line, `tensorboard: N passed, M failed`; exit status 0 when all pass.
"""

import csv
import glob
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
from tensorboard.backend.event_processing import event_accumulator

from checks import check, finish


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def framing_ok(path):
    """Every record's length and CRCs check out and the file ends after the last one."""
    with open(path, "rb") as f:
        raw = f.read()
    at, count = 0, 0
    while at < len(raw):
        if at + 12 > len(raw):
            return False, count
        (length,) = struct.unpack("<Q", raw[at:at + 8])
        (length_crc,) = struct.unpack("<I", raw[at + 8:at + 12])
        if length_crc != masked(raw[at:at + 8]) or at + 16 + length > len(raw):
            return False, count
        data = raw[at + 12:at + 12 + length]
        (data_crc,) = struct.unpack("<I", raw[at + 12 + length:at + 16 + length])
        if data_crc != masked(data):
            return False, count
        at += 16 + length
        count += 1
    return True, count


def history(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def scalars(folder):
    acc = event_accumulator.EventAccumulator(folder, size_guidance={event_accumulator.SCALARS: 0})
    acc.Reload()
    return {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def compare(name, got, rows, tags):
    for tag, column in tags:
        expected = [(int(r["epoch"]), float(np.float32(float(r[column])))) for r in rows]
        check(got.get(tag) == expected, f"{name}: {tag} equals net.history's {column} at each epoch")


def main(binary):
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "flowers.csv"), "w") as f:
            f.write("length,width,kind\n")
            rng = np.random.default_rng(3)
            for i in range(60):
                f.write(f"{rng.normal(5 + i % 3, 1):.5f},{rng.normal(3, 0.5):.5f},k{i % 3}\n")
        script = "\n".join([
            'f = csv "flowers.csv" label="kind"',
            "c = network 2",
            "add c dense 6 relu",
            "add c dense 3 softmax",
            'train c f epochs=5 batch=8 holdout=0.25 schedule=exp gamma=0.5 lr=0.01 log="runs/classes" quiet',
            'save c.history "classes.csv"',
            "r = runge n=40 seed=2",
            "net = network 1",
            "add net dense 8 tanh",
            "add net dense 1 linear",
            'train net r epochs=3 log="runs/regression" quiet',
            'train net r epochs=2 log="runs/regression" quiet',
            'save net.history "regression.csv"',
        ]) + "\n"
        with open(os.path.join(folder, "script.nnsh"), "w") as f:
            f.write(script)
        result = subprocess.run([binary, "script.nnsh"], cwd=folder, capture_output=True, text=True, timeout=300)
        check(result.returncode == 0, "nnsh trains with log=")
        if result.returncode != 0:
            print(result.stdout + result.stderr, file=sys.stderr)
            return

        classes = os.path.join(folder, "runs", "classes")
        files = glob.glob(os.path.join(classes, "events.out.tfevents.*"))
        check(len(files) == 1, "one event file for one run")
        ok, count = framing_ok(files[0])
        check(ok and count == 1 + 5, "TFRecord framing and masked CRC-32C of every record (version + 5 epochs)")
        got = scalars(classes)
        rows = history(os.path.join(folder, "classes.csv"))
        check(sorted(got) == ["accuracy", "loss", "lr", "val_accuracy", "val_loss"], "classifier: the five scalars")
        compare("classifier", got, rows, [("loss", "loss"), ("accuracy", "metric"),
                                          ("val_loss", "val_loss"), ("val_accuracy", "val_metric")])
        check(got.get("lr") == [(e, float(np.float32(0.01 * 0.5 ** (e - 1)))) for e in range(1, 6)],
              "classifier: lr follows schedule=exp gamma=0.5")

        regression = os.path.join(folder, "runs", "regression")
        files = glob.glob(os.path.join(regression, "events.out.tfevents.*"))
        check(len(files) == 2 and all(framing_ok(p) == (True, n) for p, n in zip(sorted(files), [4, 3])),
              "two runs: two event files with 3 and 2 epochs")
        got = scalars(regression)
        rows = history(os.path.join(folder, "regression.csv"))
        check(sorted(got) == ["loss", "lr", "mse"], "regression: loss, mse and lr, no validation")
        compare("regression", got, rows, [("loss", "loss"), ("mse", "metric")])
        check([s for s, _ in got.get("loss", [])] == [1, 2, 3, 4, 5], "regression: the second run goes on at epoch 4")


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1]))
    finish("tensorboard")
