"""NumPy reference for furthest point sampling: what a practitioner
would write instead - the vectorised min-distance update of the common
k-center greedy code (e.g. Sener & Savarese's core-set / Google's
active-learning kCenterGreedy), argmax = first (lowest) index on ties.

Usage: python3 bench/fps-numpy.py DATA.f32 N D K FIRST [--variant typical|exact]
  DATA.f32: raw little-endian float32, row-major N x D.
  FIRST: the first pick (no labels), as the product's seeded rule chose it.
  typical: float32, ((X - X[p])**2).sum(axis=1)   (the common code)
  exact:   float64, columns summed in order         (bit-identical keys to the product)
Prints one JSON object: {"variant", "numpy", "seconds", "cpu_seconds", "order": [...]}.
Run single-threaded BLAS is irrelevant here (no BLAS call); NumPy ufuncs use one core.
"""
import json
import sys
import time

import numpy as np


def main() -> None:
    path, n, d, k, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    variant = sys.argv[sys.argv.index("--variant") + 1] if "--variant" in sys.argv else "typical"
    X = np.fromfile(path, dtype=np.float32).reshape(n, d)
    t0 = time.perf_counter()
    c0 = time.process_time()
    order = [first]
    if variant == "typical":
        mind = np.full(n, np.inf, dtype=np.float32)
        p = first
        for _ in range(k - 1):
            np.minimum(mind, ((X - X[p]) ** 2).sum(axis=1), out=mind)
            mind[p] = -1
            p = int(np.argmax(mind))
            order.append(p)
    else:
        X64 = np.ascontiguousarray(X.T.astype(np.float64))  # d x n, column-major view of rows
        mind = np.full(n, np.inf)
        acc = np.empty(n)
        tmp = np.empty(n)
        p = first
        mind[p] = -1
        for _ in range(k - 1):
            acc.fill(0.0)
            for j in range(d):
                np.subtract(X64[j], X64[j, p], out=tmp)
                np.multiply(tmp, tmp, out=tmp)
                np.add(acc, tmp, out=acc)
            np.minimum(mind, acc, out=mind)
            p = int(np.argmax(mind))
            mind[p] = -1
            order.append(p)
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    print(json.dumps({"variant": variant, "numpy": np.__version__, "seconds": seconds, "cpu_seconds": cpu_seconds, "order": order}))


if __name__ == "__main__":
    main()
