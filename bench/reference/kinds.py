"""PyTorch references of vaekit's model kinds for `npm run bench`: the same shapes, losses, optimizer steps and
batch sizes as vaekit's defaults (src/models/), timed on random data of the right kind (binary MNIST-sized
images, or CIFAR-10-sized values in [0, 1]): the arithmetic per step does not depend on the values.

--kind conv-vae: 3 convolutions 4x4 stride 2 padding 1 (3 -> 32 -> 64 -> 128 channels, ReLU), a linear layer to
  [mean | logVar] of z = 128, a linear layer back to 4x4x128 (ReLU), 3 transposed convolutions mirroring them (the
  last linear, 6 channels: mean and raw log-variance), the learned-variance Gaussian with a soft floor
  logVar = min + softplus(raw - min), min = -9; Adam 1e-3, batch 64. KL: Kingma & Welling 2014, App. B.
--kind aae: encoder 784-400-2 (ReLU, linear code), decoder 2-400-784 Bernoulli logits, discriminator 2-256-256-1;
  three Adam steps per batch of 128 (Makhzani et al. 2015, sec. 2): reconstruction (encoder and decoder), the
  discriminator on N(0, I) samples against codes, the encoder as generator (non-saturating loss).
--kind ae: 784-400-20-400-784, ReLU, linear code, Bernoulli cross-entropy; Adam, batch 128.
--kind cvae: q(z|x,y) 794-400-(20, 20), p(x|y,z) 30-400-784, Bernoulli; Adam, batch 128.
Prints one JSON line: {"images_per_sec": ...}. Run it as the benchmark does: OMP_WAIT_POLICY=PASSIVE, 2 threads.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from torch import nn

LOG_2PI = math.log(2 * math.pi)


def kl_std_normal(mu, logvar):
    return 0.5 * torch.sum(mu.pow(2) + logvar.exp() - 1 - logvar, dim=1)  # Kingma & Welling 2014, App. B


def bce(logits, x):
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)


class ConvVae(nn.Module):
    def __init__(self, z=128, min_log_var=-9.0):
        super().__init__()
        self.min_log_var = min_log_var
        self.enc = nn.Sequential(nn.Conv2d(3, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
                                 nn.Conv2d(64, 128, 4, 2, 1), nn.ReLU(), nn.Flatten())
        self.head = nn.Linear(2048, 2 * z)
        self.dense = nn.Linear(z, 2048)
        self.dec = nn.Sequential(nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(64, 32, 4, 2, 1),
                                 nn.ReLU(), nn.ConvTranspose2d(32, 6, 4, 2, 1))

    def loss(self, x):
        mu, logvar = self.head(self.enc(x)).chunk(2, dim=1)
        zs = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        out = self.dec(F.relu(self.dense(zs)).view(-1, 128, 4, 4))
        mean, raw = out[:, :3], out[:, 3:]
        lv = self.min_log_var + F.softplus(raw - self.min_log_var)
        nll = 0.5 * (LOG_2PI + lv + (x - mean).pow(2) * torch.exp(-lv)).flatten(1).sum(1)
        return (nll + kl_std_normal(mu, logvar)).mean()


def mlp(*sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class Ae(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc, self.dec = mlp(784, 400, 20), mlp(20, 400, 784)

    def loss(self, x):
        return bce(self.dec(self.enc(x)), x).mean()


class Cvae(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc, self.dec = mlp(794, 400, 40), mlp(30, 400, 784)

    def loss(self, x, y):
        onehot = F.one_hot(y, 10).float()
        mu, logvar = self.enc(torch.cat([x, onehot], 1)).chunk(2, dim=1)
        zs = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return (bce(self.dec(torch.cat([zs, onehot], 1)), x) + kl_std_normal(mu, logvar)).mean()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kind", required=True, choices=["conv-vae", "aae", "ae", "cvae"])
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu", help="torch device: cpu, or cuda for a GPU (bench/gpu.sh)")
    a = p.parse_args()
    dev = torch.device(a.device)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    batch = 64 if a.kind == "conv-vae" else 128
    batches = 8
    if a.kind == "conv-vae":
        data = [torch.rand(batch, 3, 32, 32, device=dev) for _ in range(batches)]
    else:
        data = [torch.bernoulli(torch.rand(batch, 784, device=dev)) for _ in range(batches)]
    labels = [torch.randint(0, 10, (batch,), device=dev) for _ in range(batches)]

    if a.kind == "aae":
        enc, dec, disc = mlp(784, 400, 2).to(dev), mlp(2, 400, 784).to(dev), mlp(2, 256, 256, 1).to(dev)
        opt_ae = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
        opt_d = torch.optim.Adam(disc.parameters(), lr=1e-3)
        opt_g = torch.optim.Adam(enc.parameters(), lr=1e-3)

        def step(i):
            x = data[i % batches]
            opt_ae.zero_grad()
            bce(dec(enc(x)), x).mean().backward()
            opt_ae.step()
            opt_d.zero_grad()
            z = enc(x).detach()
            (F.softplus(-disc(torch.randn_like(z))) + F.softplus(disc(z))).mean().backward()
            opt_d.step()
            opt_g.zero_grad()
            F.softplus(-disc(enc(x))).mean().backward()
            opt_g.step()
    else:
        model = {"conv-vae": ConvVae, "ae": Ae, "cvae": Cvae}[a.kind]().to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step(i):
            opt.zero_grad()
            x = data[i % batches]
            loss = model.loss(x, labels[i % batches]) if a.kind == "cvae" else model.loss(x)
            loss.backward()
            opt.step()

    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    for i in range(5):
        step(i)
    sync()
    t0 = time.perf_counter()
    for i in range(a.steps):
        step(i)
    sync()
    seconds = time.perf_counter() - t0
    print(json.dumps({"images_per_sec": a.steps * batch / seconds}))


if __name__ == "__main__":
    main()
