"""NumPy reference of the polar Fourier embedder (src/main/ml/polar-fourier.ts), vectorised over images.

Usage: python3 polar-fourier-numpy.py INPUTS.u8 N SIZE DIM OUT.f32
Reads N x SIZE x SIZE uint8 images, writes the N x len descriptors (float32) to OUT.f32 and prints
a JSON line with the seconds for descriptors and for descriptors + PCA to DIM axes.
"""
import json, sys, time
import numpy as np

R, T, K, A = 12, 64, 9, 32


def descriptors(x):
    n, s, _ = x.shape
    a = min(s, A)
    f = s // a
    im = x.astype(np.float64).reshape(n, a, f, a, f).mean(axis=(2, 4))
    yy, xx = np.mgrid[0:a, 0:a]
    c = (a - 1) / 2
    outside = (xx - c) ** 2 + (yy - c) ** 2 > (a / 2) ** 2
    bg = im[:, outside].mean(axis=1)
    sg = (im - bg[:, None, None]) / 255
    w = np.abs(sg)
    m = w.sum(axis=(1, 2))
    ok = m > 1e-9
    m = np.where(ok, m, 1)
    cx = (w * xx).sum(axis=(1, 2)) / m
    cy = (w * yy).sum(axis=(1, 2)) / m
    rg = np.sqrt((w * ((xx - cx[:, None, None]) ** 2 + (yy - cy[:, None, None]) ** 2)).sum(axis=(1, 2)) / m)
    rad = 2.2 * rg[:, None, None] * ((np.arange(R) + 0.5) / R)[None, :, None]
    tt = 2 * np.pi * np.arange(T) / T
    px = cx[:, None, None] + rad * np.cos(tt)[None, None, :]
    py = cy[:, None, None] + rad * np.sin(tt)[None, None, :]
    x0 = np.floor(px).astype(np.int64)
    y0 = np.floor(py).astype(np.int64)
    fx = px - x0
    fy = py - y0
    idx = np.arange(n)[:, None, None]

    def at(xi, yi):
        valid = (xi >= 0) & (yi >= 0) & (xi < a) & (yi < a)
        return np.where(valid, sg[idx, np.clip(yi, 0, a - 1), np.clip(xi, 0, a - 1)], 0.0)

    pol = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1))
    F = np.fft.rfft(pol, axis=2)[:, :, :K] / T
    means = F[:, :, 0].real
    mags = np.abs(F[:, :, 1:]).reshape(n, -1)
    cr = F[:, :-1, 1:] * np.conj(F[:, 1:, 1:])
    sc = np.sqrt(np.abs(cr))
    sc = np.where(sc > 0, sc, np.inf)
    pairs = np.stack([cr.real / sc, cr.imag / sc], axis=-1).reshape(n, -1)
    d = np.concatenate([means, mags, pairs], axis=1)
    d[~ok] = 0
    norm = np.linalg.norm(d, axis=1, keepdims=True)
    return np.where(norm > 0, d / np.where(norm > 0, norm, 1), 0)


def main():
    path, n, s, dim, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    x = np.fromfile(path, dtype=np.uint8, count=n * s * s).reshape(n, s, s)
    t0 = time.perf_counter()
    c0 = time.process_time()
    d = descriptors(x)
    t1 = time.perf_counter()
    mu = d.mean(axis=0)
    cov = np.cov(d - mu, rowvar=False)
    vals, vecs = np.linalg.eigh(cov)
    proj = (d - mu) @ vecs[:, ::-1][:, :dim]
    t2 = time.perf_counter()
    c2 = time.process_time()
    d.astype(np.float32).tofile(out)
    print(json.dumps({"descriptorSeconds": t1 - t0, "seconds": t2 - t0, "cpuSeconds": c2 - c0, "dim": int(proj.shape[1]), "numpy": np.__version__}))


main()
