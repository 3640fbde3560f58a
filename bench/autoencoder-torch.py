"""PyTorch CPU reference for bench/autoencoder-speed.ts: the same autoencoder
(src/main/ml/autoencoder.ts) trained the same way (Adam 2e-3, MSE, batch B),
timed the same way (steady state, first 2 batches excluded).

    python3 bench/autoencoder-torch.py --size 64 --filters 8 --latent 32 --batch 32 --n 2048 --epochs 1

Data: the vendored Fashion-MNIST sample (test/fixtures/fashion-mnist-sample,
2,000 test images, repeated to n), zero-padded 28 -> 32 and, for 64 px,
upsampled 2x (speed does not depend on content).
Prints one JSON object: trainImagesPerSecond, encodeImagesPerSecond, their CPU-seconds
(process time over the same spans) and images per CPU-second, loss, torch version, threads.
The bench runs it with --threads 1 (the wasm backend it is compared with runs one thread).
"""
import argparse
import gzip
import json
import os
import time

import torch
from torch import nn


def load(n, size):
    # Plain bytes -> torch (no NumPy: Debian's torch and a newer pip NumPy may disagree on ABI).
    sample = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'fashion-mnist-sample', 't10k-2000-images-idx3-ubyte.gz')
    with gzip.open(sample, 'rb') as f:
        data = f.read()
    have = min(n, int.from_bytes(data[4:8], 'big'))
    raw = torch.frombuffer(bytearray(data[16:16 + have * 784]), dtype=torch.uint8).reshape(have, 28, 28).float() / 255.0
    raw = raw.repeat((n + have - 1) // have, 1, 1)[:n]
    x = torch.zeros((n, 32, 32), dtype=torch.float32)
    x[:, 2:30, 2:30] = raw
    if size != 32:
        k = size // 32
        x = x.repeat_interleave(k, dim=1).repeat_interleave(k, dim=2)
    return x[:, None, :, :].contiguous()  # NCHW


def model(size, ch, f, latent):
    s8 = size // 8
    enc = nn.Sequential(
        nn.Conv2d(ch, f, 3, 2, 1), nn.ReLU(),
        nn.Conv2d(f, 2 * f, 3, 2, 1), nn.ReLU(),
        nn.Conv2d(2 * f, 4 * f, 3, 2, 1), nn.ReLU(),
        nn.Flatten(), nn.Linear(s8 * s8 * 4 * f, latent))
    dec = nn.Sequential(
        nn.Linear(latent, s8 * s8 * 4 * f), nn.ReLU(), nn.Unflatten(1, (4 * f, s8, s8)),
        nn.ConvTranspose2d(4 * f, 2 * f, 3, 2, 1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(2 * f, f, 3, 2, 1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(f, ch, 3, 2, 1, output_padding=1), nn.Sigmoid())
    return enc, dec


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--size', type=int, default=64)
    p.add_argument('--filters', type=int, default=8)
    p.add_argument('--latent', type=int, default=32)
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--n', type=int, default=2048)
    p.add_argument('--epochs', type=int, default=1)
    p.add_argument('--threads', type=int, default=0, help='torch.set_num_threads; 0 = PyTorch default')
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x = load(a.n, a.size)
    enc, dec = model(a.size, 1, a.filters, a.latent)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=2e-3)
    lossf = nn.MSELoss()
    stamps = []
    cpu = []
    losses = []
    for _ in range(a.epochs):
        perm = torch.randperm(a.n)
        total = 0.0
        for b in range(0, a.n, a.batch):
            xb = x[perm[b:b + a.batch]]
            opt.zero_grad()
            loss = lossf(dec(enc(xb)), xb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
            stamps.append(time.perf_counter())
            cpu.append(time.process_time())
        losses.append(total / a.n)
    warm = 2
    imgs = min(a.n * a.epochs, len(stamps) * a.batch) - warm * a.batch
    train_ips = imgs / (stamps[-1] - stamps[warm - 1])
    train_cpu = cpu[-1] - cpu[warm - 1]
    with torch.no_grad():
        enc(x[:256])
        t0 = time.perf_counter()
        c0 = time.process_time()
        for b in range(0, a.n, 256):
            enc(x[b:b + 256])
        enc_ips = a.n / (time.perf_counter() - t0)
        enc_cpu = time.process_time() - c0
    print(json.dumps({
        'trainImagesPerSecond': train_ips, 'encodeImagesPerSecond': enc_ips, 'loss': losses,
        'trainCpuSeconds': train_cpu, 'trainImagesPerCpuSecond': imgs / train_cpu,
        'encodeCpuSeconds': enc_cpu, 'encodeImagesPerCpuSecond': a.n / enc_cpu,
        'torch': torch.__version__, 'threads': torch.get_num_threads(),
    }))


if __name__ == '__main__':
    main()
