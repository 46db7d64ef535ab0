#!/usr/bin/env python3
"""The PyTorch side of Scripts/bench.sh: the same workloads as mnist.nnsh, cnn.nnsh and small.nnsh.

    torch_workloads.py [--cold] mnist FOLDER float32|float64 THREADS EPOCHS
    torch_workloads.py [--cold] cnn FOLDER THREADS EPOCHS [BATCHES]
    torch_workloads.py [--cold] small CSVFILE EPOCHS

Prints the same lines as the nnsh scripts ("epoch_seconds S" per timed epoch; "seconds S" and
"steps N" for the small net). Data: the same IDX files (raw or .gz) converted to floats once, up
front (the usual PyTorch way); the same model, batch, Adam(lr=1e-3) with PyTorch's defaults, a
fresh shuffle every epoch, and the same 5 untimed warm-up batches. Thread counts: the caller sets
OPENBLAS_NUM_THREADS/OMP_NUM_THREADS (and OMP_WAIT_POLICY); this sets torch.set_num_threads to
match.

Debian's torch does its matrix products in OpenBLAS, whose kernels slow down about 3× on products
as narrow as these layers until one wider product has written OpenBLAS's packing buffers (see
Sources/Engine/Training/BLASWarmUp.swift). nnsh does that before training, so PyTorch gets the
same: one untimed 64×512 · 512×1024 product before the warm-up batches (`--cold` leaves it out).
"""
import gzip
import os
import sys
import time

import numpy as np
import torch


def read_idx(folder, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as f:
                raw = f.read()
            dims = raw[3]
            shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"torch_workloads: {stem} not found in {folder}")


WARM_BLAS = True


def warm_blas(dtype):
    """One product wider than any layer, so OpenBLAS's packing buffers are written (see above)."""
    if WARM_BLAS:
        torch.zeros(64, 512, dtype=dtype) @ torch.zeros(512, 1024, dtype=dtype)


def train_epochs(model, loss_fn, x, y, batch, epochs, generator):
    """Trains `epochs` shuffled epochs after 5 untimed warm-up batches; returns epoch seconds."""
    warm_blas(x.dtype)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step(idx):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()

    warm = torch.randperm(x.shape[0], generator=generator)[: 5 * batch]
    for i in range(0, warm.shape[0], batch):
        step(warm[i: i + batch])
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(x.shape[0], generator=generator)
        for i in range(0, x.shape[0], batch):
            step(order[i: i + batch])
        seconds.append(time.perf_counter() - start)
    return seconds


def mnist(folder, precision, threads, epochs):
    torch.set_num_threads(threads)
    dtype = torch.float32 if precision == "float32" else torch.float64
    images = read_idx(folder, "train-images-idx3-ubyte")
    labels = read_idx(folder, "train-labels-idx1-ubyte")
    x = (torch.from_numpy(images.reshape(images.shape[0], -1).copy()).to(dtype) / 255).contiguous()
    y = torch.from_numpy(labels.astype(np.int64))
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(784, 300), torch.nn.ReLU(), torch.nn.Linear(300, 10)).to(dtype)
    seconds = train_epochs(model, torch.nn.CrossEntropyLoss(), x, y, 64, epochs, torch.Generator().manual_seed(1))
    for s in seconds:
        print(f"epoch_seconds {s:.6f}")


def cnn(folder, threads, epochs, batches=None):
    """The CNN of cnn.nnsh in float32: conv 32 3×3 relu → maxpool 2 → conv 64 3×3 relu → maxpool 2
    → dense 128 relu → dense 10, images 1×28×28; `batches` > 0 times only that many batches per
    "epoch" (a quick look, not the benchmark)."""
    torch.set_num_threads(threads)
    images = read_idx(folder, "train-images-idx3-ubyte")
    labels = read_idx(folder, "train-labels-idx1-ubyte")
    x = (torch.from_numpy(images.reshape(images.shape[0], 1, 28, 28).copy()).float() / 255).contiguous()
    y = torch.from_numpy(labels.astype(np.int64))
    if batches:
        x, y = x[: batches * 64], y[: batches * 64]
    torch.manual_seed(1)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))
    seconds = train_epochs(model, nn.CrossEntropyLoss(), x, y, 64, epochs, torch.Generator().manual_seed(1))
    for s in seconds:
        print(f"epoch_seconds {s:.6f}")


def small(csv, epochs):
    torch.set_num_threads(1)
    data = np.loadtxt(csv, delimiter=",", skiprows=1, dtype=np.float32)
    x = torch.from_numpy(data[:, :1].copy())
    y = torch.from_numpy(data[:, 1:2].copy())
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(1, 50), torch.nn.Tanh(), torch.nn.Linear(50, 50), torch.nn.Tanh(),
                                torch.nn.Linear(50, 1))
    seconds = train_epochs(model, torch.nn.MSELoss(), x, y, 16, epochs, torch.Generator().manual_seed(1))
    print(f"seconds {sum(seconds):.6f}")
    print(f"examples {x.shape[0]}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--cold" in args:
        args.remove("--cold")
        WARM_BLAS = False
    if args[:1] == ["mnist"] and len(args) == 5:
        mnist(args[1], args[2], int(args[3]), int(args[4]))
    elif args[:1] == ["cnn"] and len(args) in (4, 5):
        cnn(args[1], int(args[2]), int(args[3]), int(args[4]) if len(args) == 5 else None)
    elif args[:1] == ["small"] and len(args) == 3:
        small(args[1], int(args[2]))
    else:
        sys.exit(__doc__)
