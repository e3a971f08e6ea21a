#!/usr/bin/python3
"""The benchmark's train and score workloads written in PyTorch, for side-by-side figures on one machine.
Needs Debian's python3-torch and python3-threadpoolctl (not needed by the project itself).

  /usr/bin/python3 benchmarks/reference/torch_mlp.py --task train|score [--threads 1] [--repeats 5]

train: 200,000 x 100 float32 rows made before the clock starts; the handout's network 100 -> 128 tanh -> 64 sigmoid
       -> 1 sigmoid; mean BCE; batch 256 over a new permutation each epoch; plain SGD, lr 0.1; 5 epochs. Forward and
       backward are written out with matrix products (no autograd), as Backprop.MLNet does.
score: sigmoid(u3) for every row, in batches of 256, no gradients.
Both PyTorch's own pool and OpenBLAS's are limited to --threads (more threads than cores slows both down).
Prints one JSON line with the median of --repeats timings.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

ROWS, D, H1, H2 = 200_000, 100, 128, 64
BATCH, LEARNING_RATE, EPOCHS = 256, 0.1, 5


def make_data(seed):
    """Gaussian features; labels from a fixed random two-layer teacher, so the task is learnable."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((ROWS, D), dtype=np.float32)
    teacher_hidden = np.tanh(x @ rng.standard_normal((D, 16), dtype=np.float32) / np.sqrt(D))
    y = (teacher_hidden @ rng.standard_normal(16, dtype=np.float32) > 0).astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(y).unsqueeze(1)


def glorot(rows, cols, generator):
    limit = (6.0 / (rows + cols)) ** 0.5
    return (torch.rand(rows, cols, generator=generator) * 2 - 1) * limit


def initial_weights(seed):
    g = torch.Generator().manual_seed(seed)
    return [glorot(D, H1, g), torch.zeros(H1), glorot(H1, H2, g), torch.zeros(H2), glorot(H2, 1, g), torch.zeros(1)]


def train(x, y, seed):
    W1, b1, W2, b2, U, c = initial_weights(seed)
    order = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    with torch.no_grad():
        for _ in range(EPOCHS):
            permutation = torch.randperm(ROWS, generator=order)
            for first in range(0, ROWS, BATCH):
                rows = permutation[first:first + BATCH]
                xb, yb = x[rows], y[rows]
                h1 = torch.tanh(torch.addmm(b1, xb, W1))
                h2 = torch.sigmoid(torch.addmm(b2, h1, W2))
                y_hat = torch.sigmoid(torch.addmm(c, h2, U))
                du3 = (y_hat - yb) / xb.shape[0]
                du2 = (du3 @ U.t()) * h2 * (1 - h2)
                du1 = (du2 @ W2.t()) * (1 - h1 * h1)
                U.sub_(h2.t() @ du3, alpha=LEARNING_RATE)
                c.sub_(du3.sum(0), alpha=LEARNING_RATE)
                W2.sub_(h1.t() @ du2, alpha=LEARNING_RATE)
                b2.sub_(du2.sum(0), alpha=LEARNING_RATE)
                W1.sub_(xb.t() @ du1, alpha=LEARNING_RATE)
                b1.sub_(du1.sum(0), alpha=LEARNING_RATE)
    seconds = time.perf_counter() - start
    with torch.no_grad():
        u3 = torch.addmm(c, torch.sigmoid(torch.addmm(b2, torch.tanh(torch.addmm(b1, x, W1)), W2)), U)
        loss = float(torch.nn.functional.binary_cross_entropy_with_logits(u3, y))
    return seconds, loss


def score(x, weights):
    W1, b1, W2, b2, U, c = weights
    probabilities = torch.empty(ROWS, 1)
    start = time.perf_counter()
    with torch.no_grad():
        for first in range(0, ROWS, BATCH):
            xb = x[first:first + BATCH]
            h2 = torch.sigmoid(torch.addmm(b2, torch.tanh(torch.addmm(b1, xb, W1)), W2))
            probabilities[first:first + BATCH] = torch.sigmoid(torch.addmm(c, h2, U))
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", choices=["train", "score"], required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    x, y = make_data(seed=1)
    result = {"task": args.task, "threads": args.threads, "torch": torch.__version__, "rows": ROWS}
    with threadpool_limits(limits=args.threads, user_api="blas"):
        if args.task == "train":
            runs = [train(x, y, seed) for seed in range(args.repeats)]
            seconds = statistics.median(r[0] for r in runs)
            flops = EPOCHS * 6.0 * ROWS * (D * H1 + H1 * H2 + H2)
            result.update({"seconds_all": [round(r[0], 4) for r in runs], "seconds_median": round(seconds, 4),
                           "samples_per_s": round(EPOCHS * ROWS / seconds), "gflops": round(flops / seconds / 1e9, 2),
                           "final_training_loss": [round(r[1], 4) for r in runs]})
        else:
            weights = initial_weights(seed=0)
            score(x, weights)  # warm-up
            runs = [score(x, weights) for _ in range(args.repeats)]
            seconds = statistics.median(runs)
            result.update({"seconds_all": [round(s, 4) for s in runs], "seconds_median": round(seconds, 4),
                           "rows_per_s": round(ROWS / seconds)})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
