#!/usr/bin/python3
"""OpenBLAS single-precision GEMM on the shapes of benchmarks/Backprop.MLNet.Benchmarks' gemm workload, for the
'>= 70 % of OpenBLAS' comparison. Needs Debian's python3-numpy and python3-threadpoolctl (numpy links OpenBLAS).

  /usr/bin/python3 benchmarks/reference/openblas_gemm.py [--threads 1]

Prints one JSON line with GFLOP/s per shape (median of 5 timings of a loop of products, after a warm-up).
"""
import argparse
import json
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

SHAPES = [  # name, transpose A, transpose B, m, n, k  (C = op(A) op(B), op(A) m x k)
    ("forward_256x100_100x128", False, False, 256, 128, 100),
    ("forward_256x128_128x64", False, False, 256, 64, 128),
    ("dW1_100x256_256x128_TN", True, False, 100, 128, 256),
    ("dW2_128x256_256x64_TN", True, False, 128, 64, 256),
    ("dh1_256x64_64x128_NT", False, True, 256, 128, 64),
    ("square_2048", False, False, 2048, 2048, 2048),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(5)
    out = {"threads": a.threads}
    with threadpool_limits(limits=a.threads, user_api="blas"):
        out["blas"] = [i["filepath"].split("/")[-1] for i in threadpool_info() if i["user_api"] == "blas"]
        for name, ta, tb, m, n, k in SHAPES:
            A = rng.uniform(-1, 1, (k, m) if ta else (m, k)).astype(np.float32)
            B = rng.uniform(-1, 1, (n, k) if tb else (k, n)).astype(np.float32)
            C = np.empty((m, n), dtype=np.float32)
            opA, opB = (A.T if ta else A), (B.T if tb else B)
            flops = 2.0 * m * n * k
            reps = max(3, min(20000, int(2e9 / flops)))
            for _ in range(reps):
                np.matmul(opA, opB, out=C)
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                for _ in range(reps):
                    np.matmul(opA, opB, out=C)
                times.append((time.perf_counter() - t0) / reps)
            times.sort()
            out[f"{name}_gflops"] = round(flops / times[2] / 1e9, 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
