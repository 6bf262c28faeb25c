#!/usr/bin/env bash
# Training speed on a GPU, for docs/gpu.md: run on a machine with a GPU and its Vulkan driver, from the
# repository. Installs what it needs (libvulkan1, the optional package webgpu), shows the adapter found, then
# prints images/s of the conv VAE on CIFAR-10 and the MLP VAE on MNIST on --backend webgpu beside the native
# CPU backend, and PyTorch on the same GPU (bench/reference/kinds.py --device cuda) when python3 has torch
# with CUDA.   Usage: bench/gpu.sh [steps, default 100]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-100}
SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
if [ "$(uname)" = Linux ] && ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
  $SUDO apt-get update && $SUDO apt-get install -y libvulkan1
fi
[ -d node_modules/webgpu ] || npm install --no-save webgpu@0.6.2
[ -d node_modules/tsx ] || npm ci
echo "## machine"
uname -srm
grep -m1 'model name' /proc/cpuinfo || true
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
node --import tsx --eval "import('./src/cli/main.ts').then((m) => m.main(['info', '--backend', 'webgpu']))" | grep -E '^(backend|webgpu adapters):'
echo "## vaekit"
node --import tsx bench/gpu.ts --steps "$steps"
if python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo "## PyTorch on $(python3 -c 'import torch; print(torch.cuda.get_device_name(0))')"
  echo "conv VAE, CIFAR-10 shapes, batch 64: $(python3 bench/reference/kinds.py --kind conv-vae --device cuda --steps "$steps")"
  echo "MLP AE 784-400-20, batch 128: $(python3 bench/reference/kinds.py --kind ae --device cuda --steps "$steps")"
else
  echo "## PyTorch: python3 with CUDA torch not found; skipped"
fi
