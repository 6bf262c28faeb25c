// Builds vaekit's optional native kernels (native/*.cc) into build/vaekit-native.node at install time: the
// hand-fused engines and the kernels of the native tfjs backend, OpenBLAS for the matrix products and
// convolutions, OpenMP for the element-wise loops. Optional by design: if a compiler,
// the Node-API headers or OpenBLAS is missing, it says so and exits 0, and vaekit runs on the portable
// (tfjs + wasm) path. VAEKIT_NATIVE_BUILD=0 skips it. Needs: g++ and Debian's libopenblas0-openmp.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'build', 'vaekit-native.node');

function skip(reason) {
  console.log(`vaekit: native kernels not built (${reason}); vaekit will use the portable tfjs + wasm path.`);
  process.exit(0);
}

if (process.env.VAEKIT_NATIVE_BUILD === '0') skip('VAEKIT_NATIVE_BUILD=0');
if (process.platform !== 'linux') skip(`no native build recipe for ${process.platform} yet`);

const compiler = ['c++', 'g++'].find((c) => spawnSync(c, ['--version']).status === 0);
if (!compiler) skip('no C++ compiler: apt-get install -y g++');

function nodeApiIncludeDir() {
  try {
    return createRequire(import.meta.url)('node-api-headers').include_dir;
  } catch {
    const bundled = join(dirname(process.execPath), '..', 'include', 'node');
    return existsSync(join(bundled, 'node_api.h')) ? bundled : null;
  }
}
const include = nodeApiIncludeDir();
if (!include) skip('Node-API headers not found');

function findOpenBlas() {
  const listed = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '';
  return /\blibopenblas\.so\.0\b/.test(listed) || existsSync('/usr/lib/x86_64-linux-gnu/libopenblas.so.0');
}
if (!findOpenBlas()) skip('OpenBLAS not found: apt-get install -y libopenblas0-openmp');

mkdirSync(dirname(target), { recursive: true });
const partial = `${target}.tmp-${process.pid}`;
const args = [
  // No trapping math and no errno: lets the element-wise loops vectorize (float -> int conversions, sqrt);
  // vaekit never reads floating-point exception flags or errno.
  '-std=c++17', '-O3', '-march=native', '-fno-trapping-math', '-fno-math-errno', '-fopenmp', '-fPIC', '-shared', '-Wall', '-Wextra',
  '-DNAPI_VERSION=8', '-DNODE_GYP_MODULE_NAME=vaekit_native', `-I${include}`,
  ...['bindings.cc', 'kernels.cc', 'backend_bindings.cc', 'backend.cc', 'event_loop.cc'].map((f) => join(root, 'native', f)),
  '-o', partial, '-l:libopenblas.so.0',
];
try {
  execFileSync(compiler, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  renameSync(partial, target);
} catch (e) {
  rmSync(partial, { force: true });
  skip(`the compiler failed: ${e.message.split('\n')[0]}`);
}
console.log(`vaekit: native kernels built at ${target} (OpenBLAS + OpenMP).`);
