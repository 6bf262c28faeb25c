"""Baselines for the CIFAR-10 bits/dim of vaekit's Gaussian decoders (README, "CIFAR-10"), with numpy.

Both are fitted on the 50,000 training images and scored on the test images, uniformly dequantized
(x = b/255 + U(-1/510, 1/510)) and with the + log 255 per dimension bin-width correction, as `vaekit eval` does:
- a multivariate Gaussian N(mean, covariance) of the 3,072 values;
- a linear autoregression of each value on the 5x5 causal window before it (the rows above, the left of its
  row, the earlier channels of its pixel: the window of --decoder gaussian-ar), least squares, with one noise
  variance per position and channel: the decoder 'gaussian-ar' with no latent at all.
Input: the byte files of bench/baselines/cifar-bytes.mjs. Usage: python3 cifar_gaussian.py <dir> [--test N]
"""
import argparse
import math

import numpy as np

D = 3072
RADIUS = 2


def load(path):
    return np.fromfile(path, np.uint8).reshape(-1, D).astype(np.float64) / 255


def bits_per_dim(nll_nats):
    return (nll_nats / D + math.log(255)) / math.log(2)


def gaussian_nll(train, test):
    mean = train.mean(0)
    lam, u = np.linalg.eigh(np.cov(train - mean, rowvar=False))
    y = (test - mean) @ u
    return 0.5 * (D * math.log(2 * math.pi) + np.log(lam).sum() + ((y ** 2) / lam).sum(1).mean())


def causal_window(r):
    """For residual images r [n, 32, 32, 3]: the values of every pixel's causal neighbours, [n, 32, 32, 36]."""
    k = RADIUS
    p = np.pad(r, ((0, 0), (k, k), (k, k), (0, 0)))
    taps = [p[:, k + dy:k + dy + 32, k + dx:k + dx + 32, :] for dy in range(-k, 1) for dx in range(-k, k + 1) if dy < 0 or dx < 0]
    return np.concatenate(taps, axis=3)


def autoregression_nll(train, test, fit_every):
    mean = train.mean(0)
    rtr = (train - mean).reshape(-1, 32, 32, 3)
    rte = (test - mean).reshape(-1, 32, 32, 3)
    ftr, fte = causal_window(rtr), causal_window(rte)
    nll = 0.0
    for c in range(3):
        x = np.concatenate([ftr, rtr[..., :c]], 3).reshape(-1, ftr.shape[3] + c)
        xt = np.concatenate([fte, rte[..., :c]], 3).reshape(-1, ftr.shape[3] + c)
        y = rtr[..., c].reshape(-1)
        w = np.linalg.lstsq(x[::fit_every], y[::fit_every], rcond=None)[0]
        var = ((y - x @ w).reshape(-1, 1024) ** 2).mean(0)
        e = (rte[..., c].reshape(-1) - xt @ w).reshape(-1, 1024)
        nll += 0.5 * (np.log(2 * math.pi * var) + e ** 2 / var).sum(1).mean()
    return nll


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dir')
    ap.add_argument('--test', type=int, default=10000, help='test images scored (the first N)')
    ap.add_argument('--ar-train', type=int, default=10000, help='training images the autoregression is fitted on (memory)')
    args = ap.parse_args()
    train = load(f'{args.dir}/train.u8')
    test = load(f'{args.dir}/test.u8')[: args.test]
    test = test + (np.random.default_rng(0).random(test.shape) - 0.5) / 255
    print(f'multivariate Gaussian: {bits_per_dim(gaussian_nll(train, test)):.3f} bits/dim on {len(test)} test images')
    ar = autoregression_nll(train[: args.ar_train], test, 3)
    print(f'linear autoregression, 5x5 causal window, no latent: {bits_per_dim(ar):.3f} bits/dim (fitted on {args.ar_train} training images)')


if __name__ == '__main__':
    main()
