"""PyTorch reference for vaekit's M2 benchmark (`npm run bench`): training throughput of the same model.

M2 of Kingma, Rezende, Mohamed & Welling 2014, "Semi-supervised learning with deep generative models", as
vaekit's defaults build it: q(z|x,y) an MLP on [x, onehot(y)] 784+10-500 softplus -> 2 x 50 (mean, log-variance),
p(x|y,z) on [z, onehot(y)] 50+10-500 softplus -> 784 Bernoulli logits, q(y|x) 784-500 softplus -> 10, prior
N(0, I), uniform p(y). Objective per step, as vaekit's: (N_l / N) mean L(x,y) + alpha mean -log q(y|x) over 100
labelled images, plus (N_u / N) mean U(x) over 128 unlabelled ones, with the unlabelled bound summed over all
10 labels exactly (U(x) = sum_y q(y|x) (L(x,y) + log q(y|x)), eq. 7 negated) and the analytic KL of Kingma &
Welling 2014, App. B. Adam lr 1e-3.

Prints one JSON line: {"images_per_sec": unlabelled images per second}. Run with Debian's interpreter, e.g.
`/usr/bin/python3 bench/reference/m2.py --steps 100`. `--tune-malloc` as in vae.py.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from torch import nn

from vae import DEFAULT_DATA, load_idx_images, tune_malloc

K = 10
LATENT = 50
HIDDEN = 500
LABELLED_BATCH = 100
UNLABELLED_BATCH = 128


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(nn.Softplus())
    return nn.Sequential(*layers)


class M2(nn.Module):
    def __init__(self, x_dim=784):
        super().__init__()
        self.encoder = mlp([x_dim + K, HIDDEN, 2 * LATENT])
        self.decoder = mlp([LATENT + K, HIDDEN, x_dim])
        self.classifier = mlp([x_dim, HIDDEN, K])

    def bound(self, x, y):
        """L(x,y) per row: -log p(x|y,z) + KL(q(z|x,y) || N(0, I)) + log K, one draw of z."""
        onehot = F.one_hot(y, K).float()
        mean, logvar = self.encoder(torch.cat([x, onehot], 1)).chunk(2, 1)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)
        logits = self.decoder(torch.cat([z, onehot], 1))
        recon = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1 - logvar).sum(1)
        return recon + kl + math.log(K)

    def loss(self, xl, yl, xu, n_labelled, n_unlabelled, alpha):
        n = n_labelled + n_unlabelled
        labelled = self.bound(xl, yl).mean()
        classifier = F.cross_entropy(self.classifier(xl), yl)
        rows = xu.shape[0]
        labels = torch.arange(K).repeat_interleave(rows)
        per_label = self.bound(xu.repeat(K, 1), labels).view(K, rows).t()
        log_q = F.log_softmax(self.classifier(xu), 1)
        unlabelled = (log_q.exp() * (per_label + log_q)).sum(1).mean()
        return labelled * n_labelled / n + alpha * classifier + unlabelled * n_unlabelled / n


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--data-dir", default=str(DEFAULT_DATA))
    parser.add_argument("--tune-malloc", action="store_true")
    args = parser.parse_args()
    if args.tune_malloc:
        tune_malloc()
    torch.manual_seed(0)
    x = torch.from_numpy(load_idx_images(args.data_dir, "train-images-idx3-ubyte"))
    model = M2(x.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xl = torch.bernoulli(x[:LABELLED_BATCH])
    yl = torch.arange(LABELLED_BATCH) % K

    def step(i):
        start = LABELLED_BATCH + (i * UNLABELLED_BATCH) % (x.shape[0] - LABELLED_BATCH - UNLABELLED_BATCH)
        xu = torch.bernoulli(x[start:start + UNLABELLED_BATCH])
        opt.zero_grad()
        model.loss(xl, yl, xu, LABELLED_BATCH, 50000 - LABELLED_BATCH, 0.1).backward()
        opt.step()

    for i in range(10):
        step(i)
    t0 = time.perf_counter()
    for i in range(args.steps):
        step(i)
    seconds = time.perf_counter() - t0
    print(json.dumps({"images_per_sec": args.steps * UNLABELLED_BATCH / seconds}))


if __name__ == "__main__":
    main()
