"""PyTorch CPU reference for bench/contrastive-speed.ts: the same contrastive
embedder (src/main/ml/contrastive.ts) trained the same way: two augmented views
per image (any-angle rotation, scale 0.85-1.15, shift up to 7 %, 3x3 blur blend,
contrast x0.6-1.4, brightness +-0.2, Gaussian noise sd up to 0.05, inscribed disc
kept with the rim mean outside), encoder 4 x [conv3x3/2 no bias, batch norm, ReLU]
(f, 2f, 4f, 8f), global average pooling, head Linear(8f, 8f, no bias) + BatchNorm1d
+ ReLU + Linear(8f, 64), NT-Xent at temperature 0.2, Adam 1e-3; timed the same way
(steady state, first 2 batches excluded; images per second, each image = 2 views).

    python3 bench/contrastive-torch.py --data FILE.u8 --n 3000 --size 64 --batch 256 --epochs 1 [--threads 0]

Data: FILE.u8 holds n x size x size uint8 gray images (bench/contrastive-speed.ts
writes the bundled demo images there). Prints one JSON object.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from torch import nn


def load(path, n, size):
    with open(path, 'rb') as f:
        data = f.read(n * size * size)
    x = torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(n, 1, size, size).float() / 255.0
    return x.contiguous()


def build(ch, f, proj=64):
    layers = []
    cin = ch
    for k in (f, 2 * f, 4 * f, 8 * f):
        layers += [nn.Conv2d(cin, k, 3, 2, 1, bias=False), nn.BatchNorm2d(k, momentum=0.1), nn.ReLU()]
        cin = k
    enc = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
    head = nn.Sequential(nn.Linear(8 * f, 8 * f, bias=False), nn.BatchNorm1d(8 * f, momentum=0.1), nn.ReLU(), nn.Linear(8 * f, proj))
    return enc, head


def masks(size):
    c = (size - 1) / 2
    ys, xs = torch.meshgrid(torch.arange(size, dtype=torch.float32), torch.arange(size, dtype=torch.float32), indexing='ij')
    d = torch.sqrt((xs - c) ** 2 + (ys - c) ** 2)
    disc = (d <= size / 2).float()
    rim = ((d <= size / 2) & (d > size / 2 - 1.5)).float()
    return disc[None, None], rim[None, None]


def canonicalize(x, disc, rim):
    rim_mean = (x * rim).sum(dim=(2, 3), keepdim=True) / rim.sum()
    return x * disc + rim_mean * (1 - disc)


BLUR = torch.tensor([[1., 2., 1.], [2., 4., 2.], [1., 2., 1.]]) / 16


def augment(x, g, disc, rim):
    b, ch, s, _ = x.shape
    base = canonicalize(x, disc, rim)
    u = lambda: torch.rand(b, generator=g)
    ang = u() * 2 * math.pi
    scale = 0.85 + u() * 0.30
    dx = (u() * 2 - 1) * 0.07 * 2  # normalised coordinates span 2
    dy = (u() * 2 - 1) * 0.07 * 2
    cos, sin = torch.cos(ang) / scale, torch.sin(ang) / scale
    theta = torch.stack([torch.stack([cos, sin, -(cos * dx + sin * dy)], 1), torch.stack([-sin, cos, sin * dx - cos * dy], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=True)
    v = F.grid_sample(base, grid, mode='bilinear', padding_mode='border', align_corners=True)
    blur_on = (u() < 0.5).float() * u()
    blurred = F.conv2d(v, BLUR.expand(ch, 1, 3, 3), padding=1, groups=ch)
    w = blur_on[:, None, None, None]
    v = v * (1 - w) + blurred * w
    mean = v.mean(dim=(1, 2, 3), keepdim=True)
    gain = (1 + (u() * 2 - 1) * 0.4)[:, None, None, None]
    bias = ((u() * 2 - 1) * 0.2)[:, None, None, None]
    v = (v - mean) * gain + mean + bias
    v = v + torch.randn(v.shape, generator=g) * (u() * 0.05)[:, None, None, None]
    return canonicalize(v.clamp(0, 1), disc, rim)


def nt_xent(z, t=0.2):
    z = F.normalize(z, dim=1)
    n2 = z.shape[0]
    b = n2 // 2
    sim = z @ z.t() / t
    sim = sim - torch.eye(n2) * 1e9
    target = torch.cat([torch.arange(b, n2), torch.arange(0, b)])
    return F.cross_entropy(sim, target)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--n', type=int, default=3000)
    p.add_argument('--size', type=int, default=64)
    p.add_argument('--filters', type=int, default=16)
    p.add_argument('--batch', type=int, default=256)
    p.add_argument('--epochs', type=int, default=1)
    p.add_argument('--threads', type=int, default=0)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    g = torch.Generator().manual_seed(1)
    x = load(a.data, a.n, a.size)
    disc, rim = masks(a.size)
    enc, head = build(1, a.filters)
    opt = torch.optim.Adam(list(enc.parameters()) + list(head.parameters()), lr=1e-3)
    enc.train()
    head.train()
    losses = []
    seen = 0
    t_start = None
    step = 0
    for _ in range(a.epochs):
        perm = torch.randperm(a.n, generator=g)
        tot = 0.0
        for i in range(0, a.n, a.batch):
            idx = perm[i:i + a.batch]
            if len(idx) < 2:
                continue
            xb = x[idx]
            views = torch.cat([augment(xb, g, disc, rim), augment(xb, g, disc, rim)], 0)
            loss = nt_xent(head(enc(views)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
            step += 1
            if step == 2:
                t_start = time.perf_counter()
                c_start = time.process_time()
            elif step > 2:
                seen += len(idx)
        losses.append(tot / a.n)
    train_ips = seen / (time.perf_counter() - t_start) if t_start and seen else float('nan')
    train_ipc = seen / (time.process_time() - c_start) if t_start and seen else float('nan')
    enc.eval()
    with torch.no_grad():
        t0 = time.perf_counter()
        for i in range(0, a.n, 256):
            enc(canonicalize(x[i:i + 256], disc, rim))
        encode_ips = a.n / (time.perf_counter() - t0)
    print(json.dumps({'trainImagesPerSecond': train_ips, 'trainImagesPerCpuSecond': train_ipc, 'encodeImagesPerSecond': encode_ips, 'loss': losses,
                      'torch': torch.__version__, 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
