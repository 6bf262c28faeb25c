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
--kind dae: the ae, its input corrupted by masking noise (a quarter of the pixels zeroed, drawn per batch;
  Vincent et al. 2008), the loss against the clean image.
--kind cae-exact: the ae plus 0.1 ||J_h(x)||_F^2 (Rifai et al. 2011, eq. 2), in closed form for a ReLU layer and
  a linear code: d^T ((W1^T W1) o (W2 W2^T)) d with d = relu'(a1), as vaekit computes it (src/models/contractive.ts).
--kind cae-stochastic: the ae plus 0.1 ||h(x + eps) - h(x)||^2 / sigma^2, eps ~ N(0, 0.1^2 I) (Rifai et al. 2011b).
--kind m2: M2 of Kingma et al. 2014 as m2.py builds it (784+10-500-(50, 50), 60-500-784 Bernoulli, 784-500-10,
  softplus; every unlabelled image decoded under all 10 labels), 100 labelled and 128 unlabelled images a step.
--kind iwae: the IWAE of Burda et al. 2016: 784-200-200-(50, 50) and 50-200-200-784 with tanh, Bernoulli, the
  negative bound -log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x) of K = 5 draws (eq. 8); Adam (eps 1e-4), batch 20.
--kind m1m2: M1+M2's second stage: M1's encoder 784-600-600-(50, 50) (softplus, not trained) draws z1 from
  q(z1|x); M2 on z1 with a learned-variance Gaussian p(z1|y,z2) (60-500-(50, 50), floor -6 as the conv VAE's).
  Images per second counts the unlabelled images.
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


def mlp(*sizes, activation=nn.ReLU):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(activation())
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


class Iwae(nn.Module):
    def __init__(self, k=5):
        super().__init__()
        self.k = k
        self.enc = mlp(784, 200, 200, 100, activation=nn.Tanh)
        self.dec = mlp(50, 200, 200, 784, activation=nn.Tanh)

    def loss(self, x):
        mu, logvar = self.enc(x).chunk(2, dim=1)
        eps = torch.randn(self.k, *mu.shape, device=x.device)
        zs = mu + torch.exp(0.5 * logvar) * eps
        log_px = -F.binary_cross_entropy_with_logits(self.dec(zs), x.expand(self.k, -1, -1), reduction="none").sum(2)
        log_pz = -0.5 * (LOG_2PI + zs.pow(2)).sum(2)
        log_q = -0.5 * (LOG_2PI + logvar + eps.pow(2)).sum(2)
        return -(torch.logsumexp(log_px + log_pz - log_q, 0) - math.log(self.k)).mean()  # Burda et al. 2016, eq. 8


class Vamp(nn.Module):
    """The VAE with the VampPrior (Tomczak & Welling 2018): 784-300-300-40, K learned pseudo-inputs through
    hardtanh(0, 1), log p(z) = log (1/K) sum_k q(z|u_k), the KL by Monte Carlo on the draw."""

    def __init__(self, k=500):
        super().__init__()
        self.k = k
        self.enc = mlp(784, 300, 300, 80)
        self.dec = mlp(40, 300, 300, 784)
        self.u = nn.Parameter(0.05 + 0.01 * torch.randn(k, 784))

    def loss(self, x):
        mu, logvar = self.enc(x).chunk(2, dim=1)
        eps = torch.randn_like(mu)
        z = mu + torch.exp(0.5 * logvar) * eps
        m, s = self.enc(F.hardtanh(self.u, 0.0, 1.0)).chunk(2, dim=1)
        diff = z.unsqueeze(1) - m.unsqueeze(0)  # [batch, K, latent]
        log_n = -0.5 * (LOG_2PI + s.unsqueeze(0) + diff.pow(2) * torch.exp(-s).unsqueeze(0)).sum(2)
        log_pz = torch.logsumexp(log_n, 1) - math.log(self.k)
        log_q = -0.5 * (LOG_2PI + logvar + eps.pow(2)).sum(1)
        return (bce(self.dec(z), x) + log_q - log_pz).mean()


class M2(nn.Module):
    """M2 (Kingma et al. 2014) on inputs of x_dim; `gaussian`: learned-variance Gaussian likelihood, else Bernoulli."""

    def __init__(self, x_dim=784, gaussian=False, k=10, latent=50, hidden=500, min_log_var=-6.0):
        super().__init__()
        self.k, self.gaussian, self.min_log_var = k, gaussian, min_log_var
        self.encoder = mlp(x_dim + k, hidden, 2 * latent, activation=nn.Softplus)
        self.decoder = mlp(latent + k, hidden, 2 * x_dim if gaussian else x_dim, activation=nn.Softplus)
        self.classifier = mlp(x_dim, hidden, k, activation=nn.Softplus)

    def bound(self, x, y):
        onehot = F.one_hot(y, self.k).float()
        mu, logvar = self.encoder(torch.cat([x, onehot], 1)).chunk(2, 1)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        out = self.decoder(torch.cat([z, onehot], 1))
        if self.gaussian:
            mean, raw = out.chunk(2, 1)
            lv = self.min_log_var + F.softplus(raw - self.min_log_var)
            nll = 0.5 * (LOG_2PI + lv + (x - mean).pow(2) * torch.exp(-lv)).sum(1)
        else:
            nll = bce(out, x)
        return nll + kl_std_normal(mu, logvar) + math.log(self.k)

    def loss(self, xl, yl, xu, n_labelled=100, n_unlabelled=49900, alpha=20.0):
        n = n_labelled + n_unlabelled
        labelled = self.bound(xl, yl).mean()
        classifier = F.cross_entropy(self.classifier(xl), yl)
        rows = xu.shape[0]
        labels = torch.arange(self.k).repeat_interleave(rows)
        per_label = self.bound(xu.repeat(self.k, 1), labels).view(self.k, rows).t()
        log_q = F.log_softmax(self.classifier(xu), 1)
        unlabelled = (log_q.exp() * (per_label + log_q)).sum(1).mean()  # eq. 7, negated
        return labelled * n_labelled / n + alpha * classifier + unlabelled * n_unlabelled / n


def contractive_exact(enc, x):
    """||J_h(x)||_F^2 per row for enc = Linear, ReLU, Linear: d^T ((W1^T W1) o (W2 W2^T)) d, d = relu'(a1)."""
    lin1, lin2 = enc[0], enc[2]
    d = (lin1(x) > 0).float()
    w1, w2 = lin1.weight.t(), lin2.weight.t()  # [in, h], [h, code]
    gram = (w1.t() @ w1) * (w2 @ w2.t())
    return ((d @ gram) * d).sum(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kind", required=True, choices=["conv-vae", "aae", "ae", "cvae", "dae", "cae-exact", "cae-stochastic", "m2", "m1m2", "iwae", "vamp"])
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu", help="torch device: cpu, or cuda for a GPU (bench/gpu.sh)")
    a = p.parse_args()
    dev = torch.device(a.device)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    batch = {"conv-vae": 64, "iwae": 20, "vamp": 100}.get(a.kind, 128)
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
    elif a.kind in ("m2", "m1m2"):
        m1 = mlp(784, 600, 600, 100, activation=nn.Softplus) if a.kind == "m1m2" else None
        model = M2(50, gaussian=True) if m1 else M2()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        xl, yl = torch.bernoulli(torch.rand(100, 784)), torch.arange(100) % 10

        def features(x):
            if m1 is None:
                return x
            with torch.no_grad():
                mu, logvar = m1(x).chunk(2, 1)
                return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

        def step(i):
            opt.zero_grad()
            model.loss(features(xl), yl, features(data[i % batches])).backward()
            opt.step()
    elif a.kind in ("dae", "cae-exact", "cae-stochastic"):
        model = Ae()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step(i):
            opt.zero_grad()
            x = data[i % batches]
            if a.kind == "dae":
                loss = bce(model.dec(model.enc(x * (torch.rand_like(x) >= 0.25).float())), x).mean()
            else:
                h = model.enc(x)
                if a.kind == "cae-exact":
                    penalty = contractive_exact(model.enc, x)
                else:
                    penalty = (model.enc(x + 0.1 * torch.randn_like(x)) - h).pow(2).sum(1) / 0.01
                loss = (bce(model.dec(h), x) + 0.1 * penalty).mean()
            loss.backward()
            opt.step()
    else:
        model = {"conv-vae": ConvVae, "ae": Ae, "cvae": Cvae, "iwae": Iwae, "vamp": Vamp}[a.kind]().to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-4 if a.kind == "iwae" else 1e-8)

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
