#!/usr/bin/env python3
"""PyTorch's side of the accuracy-parity check (Scripts/mnist-parity.nnsh is nnsh's side).

    parity.py [--init pytorch|nnsh] [--seeds 1,2,3,4,5] [--epochs 15] [--threads 1] [--csv FILE] FOLDER

Trains 784-300-10 ReLU, softmax cross-entropy, Adam lr 1e-3 (PyTorch's betas and eps, the same
as nnsh's), L2 1e-5 on the weights only (nnsh's l2 never touches biases: torch weight_decay adds
wd·w to the gradient before Adam, as nnsh's l2 does), batch 64 with the last partial batch kept,
a fresh shuffle every epoch, on the official 60,000 training images scaled to [0, 1], and
prints the test accuracy on the 10,000 test images per seed, then the mean and the sample
standard deviation (n − 1), as nnsh's grid does.

--init pytorch  nn.Linear's default: kaiming_uniform(a=√5), weights and biases U(±1/√n_in)
--init nnsh     nnsh's defaults: the ReLU layer w ~ N(0, 2/n_in) (he), the softmax layer
                w ~ N(0, 2/(n_in + n_out)) (xavier), biases 0
"""
import argparse
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_workloads import read_idx  # noqa: E402  (the same IDX reader as the benchmark)


def load(folder, stem_images, stem_labels):
    images = read_idx(folder, stem_images)
    labels = read_idx(folder, stem_labels)
    x = (torch.from_numpy(images.reshape(images.shape[0], -1).copy()).to(torch.float32) / 255).contiguous()
    return x, torch.from_numpy(labels.astype(np.int64))


def model_for(init):
    model = torch.nn.Sequential(torch.nn.Linear(784, 300), torch.nn.ReLU(), torch.nn.Linear(300, 10))
    if init == "nnsh":
        with torch.no_grad():
            first, last = model[0], model[2]
            first.weight.normal_(0, math.sqrt(2 / 784))
            last.weight.normal_(0, math.sqrt(2 / (300 + 10)))
            first.bias.zero_()
            last.bias.zero_()
    return model


def run(seed, init, epochs, train, test):
    torch.manual_seed(seed)
    model = model_for(init)
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    opt = torch.optim.Adam([{"params": weights, "weight_decay": 1e-5}, {"params": biases, "weight_decay": 0}], lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    x, y = train
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(x.shape[0], generator=generator)
        for i in range(0, x.shape[0], 64):
            idx = order[i: i + 64]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    with torch.no_grad():
        tx, ty = test
        return (model(tx).argmax(1) == ty).float().mean().item()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder")
    p.add_argument("--init", choices=["pytorch", "nnsh"], default="pytorch")
    p.add_argument("--seeds", default="1,2,3,4,5")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--csv")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    train = load(a.folder, "train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    test = load(a.folder, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    accuracies = []
    for seed in (int(s) for s in a.seeds.split(",")):
        acc = run(seed, a.init, a.epochs, train, test)
        accuracies.append(acc)
        print(f"pytorch {torch.__version__} init={a.init} seed {seed}: test accuracy {acc:.4f}", flush=True)
        if a.csv:
            new = not os.path.exists(a.csv)
            with open(a.csv, "a") as f:
                if new:
                    f.write("tool,init,seed,epochs,accuracy\n")
                f.write(f"pytorch,{a.init},{seed},{a.epochs},{acc:.6f}\n")
    m = sum(accuracies) / len(accuracies)
    s = math.sqrt(sum((v - m) ** 2 for v in accuracies) / (len(accuracies) - 1)) if len(accuracies) > 1 else 0
    print(f"pytorch init={a.init}: {m:.4%} ± {s:.4%} over {len(accuracies)} seeds")


if __name__ == "__main__":
    main()
