#!/usr/bin/python3
"""A real evaluator for `hwnas open-search --evaluator` / `hwnas worker --evaluator` (protocol
hwnas-evaluator/1, docs/distributed.md): trains the network of the request on Fashion-MNIST on the CPU and
replies with its test accuracy (percent; chance is 10). Needs Debian's python3-torch and
dataset-fashion-mnist (the idx .gz files under /usr/share/datasets/fashion-mnist; nothing is downloaded).

    hwnas open-search --space examples/fmnist-m7.json \\
      --evaluator "/usr/bin/python3 examples/train/train.py" --objective model:cortex-m7 \\
      --budget '{"epochs": 1, "train": 512}' --evals 2 --out runs/fmnist

The network is the request's `torch` file (hwnas export-torch: class Net), initialised by PyTorch under
torch.manual_seed(request seed); training is deterministic for a request (one thread, seeded order).

Budget (the search's --budget JSON; every key optional):
  epochs  passes over the training subset (default 1)
  train   training images: a fixed subset, the same for every evaluation (default all 60,000)
  test    test images: the first n of the test set (default all 10,000)
  batch   batch size (default 64); lr: Adam learning rate (default 0.002)

Stdout: one progress line per epoch, then the reply (the last line):
  {"progress": {"fidelity": 1, "objectives": {"accuracy": 71.2}}}
  {"objectives": {"accuracy": 74.9, "seconds": 3.1}}
`fidelity` is the number of epochs done, the accuracy the test accuracy after it. Any failure (no torch
file, a module that does not build, training that diverges) is replied as {"error": "..."}.

Inputs other than 1 x 28 x 28: the grey channel is repeated over the network's channels; a target of 28 to
36 pixels a side is padded (background) around the centred image, any other size is resized bilinearly.

Options: --data DIR (default $HWNAS_FASHION_MNIST or /usr/share/datasets/fashion-mnist),
--objective NAME (reply name of the accuracy, default accuracy), --threads N (default 1).
"""
import argparse
import gzip
import hashlib
import importlib.util
import json
import math
import os
import sys
import tempfile
import time
import traceback

DATA = os.environ.get("HWNAS_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
MEAN, STD = 0.2860, 0.3530
SUBSET_SEED = 0  # the training subset is the same for every evaluation


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def read_idx(torch, path):
    """An idx file (gzip) as a uint8 tensor of its dimensions."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return torch.frombuffer(bytearray(data[4 + 4 * ndim :]), dtype=torch.uint8).reshape(dims)


def load_split(torch, folder, split, n, subset_seed=None):
    """The first n test images, or a fixed random subset of n training images (uint8, labels as long).
    Decoding the 26 MB training file costs more than a small training run, so a subset is cached (raw
    bytes, written atomically) in $HWNAS_TRAIN_CACHE or <tmp>/hwnas-fmnist-cache."""
    prefix = "train" if split == "train" else "t10k"
    cache = None
    if n is not None:
        root = os.environ.get("HWNAS_TRAIN_CACHE") or os.path.join(tempfile.gettempdir(), "hwnas-fmnist-cache")
        tag = f"{os.path.abspath(folder)}|{prefix}|{n}|{subset_seed}"
        cache = os.path.join(root, hashlib.sha256(tag.encode()).hexdigest()[:24] + ".bin")
        try:
            with open(cache, "rb") as f:
                raw = f.read()
            count = int.from_bytes(raw[:4], "little")
            images = torch.frombuffer(bytearray(raw[4 : 4 + count * 784]), dtype=torch.uint8).reshape(count, 28, 28)
            labels = torch.frombuffer(bytearray(raw[4 + count * 784 :]), dtype=torch.uint8)
            if labels.numel() == count:
                return images, labels.long()
        except (OSError, ValueError, RuntimeError):
            pass
    images = read_idx(torch, os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(torch, os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"))
    total = images.shape[0]
    n = total if n is None else min(int(n), total)
    if subset_seed is not None and n < total:
        g = torch.Generator().manual_seed(subset_seed)
        pick = torch.randperm(total, generator=g)[:n]
    else:
        pick = torch.arange(n)
    images, labels = images[pick].contiguous(), labels[pick].contiguous()
    if cache is not None:
        try:
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            tmp = f"{cache}.tmp-{os.getpid()}"
            with open(tmp, "wb") as f:
                f.write(n.to_bytes(4, "little") + images.numpy().tobytes() + labels.numpy().tobytes())
            os.replace(tmp, cache)
        except OSError:
            pass  # no cache: decode again next time
    return images, labels.long()


def fit_input(torch, images, shape):
    """uint8 N x 28 x 28 -> normalised float N x c x h x w (see the module doc)."""
    import torch.nn.functional as F

    c, h, w = shape
    x = ((images.float() / 255.0) - MEAN) / STD
    x = x.unsqueeze(1)
    if (h, w) != (28, 28):
        if 28 <= h <= 36 and 28 <= w <= 36:
            top, left = (h - 28) // 2, (w - 28) // 2
            background = (0.0 - MEAN) / STD
            x = F.pad(x, (left, w - 28 - left, top, h - 28 - top), value=background)
        else:
            x = F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False)
    if c != 1:
        x = x.repeat(1, c, 1, 1)
    return x.contiguous()


def recalibrate_bn(torch, net, x, batch):
    """Batch-norm statistics as the plain average over (up to) 2,048 training images: after a few hundred
    steps the running averages still remember their initial values, and the test accuracy would be chance."""
    bns = [m for m in net.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    saved = [m.momentum for m in bns]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
    net.train()
    with torch.no_grad():
        for i in range(0, min(x.shape[0], 2048), batch):
            if x[i : i + batch].shape[0] > 1:
                net(x[i : i + batch])
    for m, mom in zip(bns, saved):
        m.momentum = mom


def accuracy(torch, net, x, y, batch):
    net.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            out = net(x[i : i + batch])
            correct += int((out.argmax(1) == y[i : i + batch]).sum())
    return 100.0 * correct / max(1, x.shape[0])


def main():
    ap = argparse.ArgumentParser(description="hwnas evaluator: train on Fashion-MNIST, reply test accuracy")
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--objective", default="accuracy")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    req = json.load(sys.stdin)
    started = time.time()
    try:
        import torch
    except ImportError:
        say({"error": "PyTorch is not installed for this python (apt install python3-torch)"})
        return
    torch.set_num_threads(max(1, args.threads))
    budget = req.get("budget") or {}
    if not isinstance(budget, dict):
        budget = {"epochs": budget}
    epochs = int(budget.get("epochs", 1))
    batch = int(budget.get("batch", 64))
    lr = float(budget.get("lr", 0.002))
    if req.get("torch") is None:
        say({"error": f"no PyTorch module in the request: {req.get('torchError', 'export disabled (--no-torch)')}"})
        return
    try:
        spec = importlib.util.spec_from_file_location("hwnas_net", req["torch"])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        torch.manual_seed(int(req.get("seed", 0)) & 0xFFFFFFFF)
        net = module.build()
        shape = tuple(module.Net.input_shape)
        xtr, ytr = load_split(torch, args.data, "train", budget.get("train"), SUBSET_SEED)
        xte, yte = load_split(torch, args.data, "test", budget.get("test"))
        xtr, xte = fit_input(torch, xtr, shape), fit_input(torch, xte, shape)
        order = torch.Generator().manual_seed(int(req.get("seed", 0)) & 0xFFFFFFFF)
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        steps = epochs * math.ceil(xtr.shape[0] / batch)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, steps))
        loss_fn = torch.nn.CrossEntropyLoss()
        acc = 0.0
        for epoch in range(1, epochs + 1):
            net.train()
            perm = torch.randperm(xtr.shape[0], generator=order)
            for i in range(0, xtr.shape[0], batch):
                idx = perm[i : i + batch]
                if idx.numel() < 2:
                    continue  # batch norm needs two samples
                opt.zero_grad()
                loss = loss_fn(net(xtr[idx]), ytr[idx])
                if not torch.isfinite(loss):
                    say({"error": f"training diverged (loss {float(loss)}) in epoch {epoch}"})
                    return
                loss.backward()
                opt.step()
                sched.step()
            recalibrate_bn(torch, net, xtr, 256)
            acc = accuracy(torch, net, xte, yte, 256)
            say({"progress": {"fidelity": epoch, "objectives": {args.objective: acc}}})
        say({"objectives": {args.objective: acc, "seconds": round(time.time() - started, 3)}})
    except Exception as e:  # the reason goes to the search's history; the trace to stderr
        traceback.print_exc()
        say({"error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"})


if __name__ == "__main__":
    main()
