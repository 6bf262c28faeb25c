// Node-API bindings of the native tfjs backend's kernels (backend.h), defined on `exports.backend`. Sizes
// travel packed in Int32Arrays; every array's length is checked against them before a kernel runs.
#include <node_api.h>

#include <cstdint>

#include "backend.h"
#include "napi_args.h"

namespace {

using vaekit::Args;
namespace be = vaekit::backend;

constexpr int kFusedCount = 6, kUnaryCount = 21, kBinaryCount = 8, kReduceCount = 4, kMaxRank = 8;

// The length of a Float32Array argument, 0 where it is null.
int64_t floatsLength(Args& a, size_t i) {
  size_t length = 0;
  return a.typedArray(i, napi_float32_array, length) ? int64_t(length) : 0;
}

// matMul(a, b, out, dims [batchA, batchB, m, n, k, transA, transB], bias | null, activation, alpha)
napi_value MatMul(napi_env env, napi_callback_info info) {
  Args a(env, info, 7);
  const int32_t* d = a.ints(3, 7);
  if (a.failed) return nullptr;
  const int batchA = d[0], batchB = d[1], m = d[2], n = d[3], k = d[4];
  if (batchA < 1 || batchB < 1 || m < 0 || n < 0 || k < 0 || (batchA != batchB && batchA != 1 && batchB != 1)) {
    a.fail("bad matMul dimensions");
    return nullptr;
  }
  const int batch = batchA > batchB ? batchA : batchB;
  const float* A = a.floats(0, int64_t(batchA) * m * k);
  const float* B = a.floats(1, int64_t(batchB) * k * n);
  float* out = a.floats(2, int64_t(batch) * m * n);
  const float* bias = a.floats(4, 0, true);
  const int64_t biasLength = bias ? floatsLength(a, 4) : 0;
  if (bias && biasLength != 1 && biasLength != n && biasLength != int64_t(m) * n) a.fail("bias must have 1, n or m * n elements");
  const int act = a.count(5);
  if (act >= kFusedCount) a.fail("unknown activation code");
  const float alpha = float(a.number(6));
  if (!a.failed) be::matMul(A, B, out, batchA, batchB, m, n, k, d[5] != 0, d[6] != 0, bias, biasLength, be::Fused(act), alpha);
  return nullptr;
}

// The conv geometry [batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH, dilationW,
// padTop, padLeft] of argument i.
bool convShape(Args& a, size_t i, be::ConvShape& s) {
  const int32_t* g = a.ints(i, 15);
  if (a.failed) return false;
  s = be::ConvShape{g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14]};
  for (int j = 0; j < 15; j++) {
    if (g[j] < (j >= 13 ? -(1 << 20) : j >= 9 ? 1 : 0)) {
      a.fail("bad convolution geometry");
      return false;
    }
  }
  return true;
}

int64_t inputSize(const be::ConvShape& s) { return int64_t(s.batch) * s.inH * s.inW * s.inC; }
int64_t outputSize(const be::ConvShape& s) { return int64_t(s.batch) * s.outH * s.outW * s.outC; }
int64_t filterSize(const be::ConvShape& s) { return int64_t(s.kH) * s.kW * s.inC * s.outC; }

// conv2d(x, w, y, geometry, bias | null, activation, alpha)
napi_value Conv2d(napi_env env, napi_callback_info info) {
  Args a(env, info, 7);
  be::ConvShape s;
  if (!convShape(a, 3, s)) return nullptr;
  const float* x = a.floats(0, inputSize(s));
  const float* w = a.floats(1, filterSize(s));
  float* y = a.floats(2, outputSize(s));
  const float* bias = a.floats(4, s.outC, true);
  const int act = a.count(5);
  if (act >= kFusedCount) a.fail("unknown activation code");
  const float alpha = float(a.number(6));
  if (!a.failed) be::conv2d(s, x, w, y, bias, be::Fused(act), alpha);
  return nullptr;
}

// conv2dBackpropInput(dy, w, dx, geometry)
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  be::ConvShape s;
  if (!convShape(a, 3, s)) return nullptr;
  const float* dy = a.floats(0, outputSize(s));
  const float* w = a.floats(1, filterSize(s));
  float* dx = a.floats(2, inputSize(s));
  if (!a.failed) be::conv2dBackpropInput(s, dy, w, dx);
  return nullptr;
}

// conv2dBackpropFilter(x, dy, dw, geometry)
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  be::ConvShape s;
  if (!convShape(a, 3, s)) return nullptr;
  const float* x = a.floats(0, inputSize(s));
  const float* dy = a.floats(1, outputSize(s));
  float* dw = a.floats(2, filterSize(s));
  if (!a.failed) be::conv2dBackpropFilter(s, x, dy, dw);
  return nullptr;
}

// unary(op, x, y, n, p, q)
napi_value Unary(napi_env env, napi_callback_info info) {
  Args a(env, info, 6);
  const int op = a.count(0), n = a.count(3);
  if (op >= kUnaryCount) a.fail("unknown unary op");
  const float* x = a.floats(1, n);
  float* y = a.floats(2, n);
  const float p = float(a.number(4)), q = float(a.number(5));
  if (!a.failed) be::unary(be::Unary(op), x, y, n, p, q);
  return nullptr;
}

// binary(op, a, b, out, shapes [rank, out..., a..., b...]): shapes of equal rank, broadcast numpy's way.
napi_value Binary(napi_env env, napi_callback_info info) {
  Args a(env, info, 5);
  const int op = a.count(0);
  if (op >= kBinaryCount) a.fail("unknown binary op");
  const int64_t packed = a.intsLength(4);
  const int rank = int((packed - 1) / 3);
  if (packed < 1 || rank > kMaxRank || packed != 1 + 3 * int64_t(rank)) a.fail("shapes must be [rank, out, a, b]");
  const int32_t* shapes = a.ints(4, packed);
  if (a.failed) return nullptr;
  if (shapes[0] != rank) a.fail("shapes must be [rank, out, a, b]");
  const int32_t *outShape = shapes + 1, *aShape = outShape + rank, *bShape = aShape + rank;
  int64_t outSize = 1, aSize = 1, bSize = 1;
  for (int i = 0; i < rank && !a.failed; i++) {
    if (outShape[i] < 0 || (aShape[i] != outShape[i] && aShape[i] != 1) || (bShape[i] != outShape[i] && bShape[i] != 1)) a.fail("shapes do not broadcast");
    outSize *= outShape[i], aSize *= aShape[i], bSize *= bShape[i];
  }
  const float* A = a.floats(1, aSize);
  const float* B = a.floats(2, bSize);
  float* out = a.floats(3, outSize);
  if (!a.failed && outSize > 0) be::binary(be::Binary(op), A, B, out, rank, outShape, aShape, bShape);
  return nullptr;
}

// reduce(op, x, out, outer, size, inner)
napi_value Reduce(napi_env env, napi_callback_info info) {
  Args a(env, info, 6);
  const int op = a.count(0);
  if (op >= kReduceCount) a.fail("unknown reduction");
  const int64_t outer = a.count(3), size = a.count(4), inner = a.count(5);
  if (size < 1) a.fail("cannot reduce an empty axis");
  const float* x = a.floats(1, outer * size * inner);
  float* out = a.floats(2, outer * inner);
  if (!a.failed) be::reduce(be::Reduce(op), x, out, outer, size, inner);
  return nullptr;
}

// transpose(x, y, shape, perm)
napi_value Transpose(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  const int64_t rank = a.intsLength(2);
  if (rank < 1 || rank > kMaxRank) a.fail("rank must be 1 to 8");
  const int32_t* shape = a.ints(2, rank);
  const int32_t* perm = a.ints(3, rank);
  if (a.failed) return nullptr;
  int64_t size = 1;
  bool seen[kMaxRank] = {};
  for (int i = 0; i < rank; i++) {
    if (shape[i] < 0 || perm[i] < 0 || perm[i] >= rank || seen[perm[i]]) a.fail("bad shape or permutation");
    else seen[perm[i]] = true, size *= shape[i];
  }
  const float* x = a.floats(0, size);
  float* y = a.floats(1, size);
  if (!a.failed) be::transpose(x, y, int(rank), shape, perm);
  return nullptr;
}

// copyBox(src, dst, shapes [rank, srcShape..., srcBegin..., dstShape..., dstBegin..., size...])
napi_value CopyBox(napi_env env, napi_callback_info info) {
  Args a(env, info, 3);
  const int64_t packed = a.intsLength(2);
  const int rank = int((packed - 1) / 5);
  if (packed < 6 || rank > kMaxRank || packed != 1 + 5 * int64_t(rank)) a.fail("shapes must be [rank, srcShape, srcBegin, dstShape, dstBegin, size]");
  const int32_t* p = a.ints(2, packed);
  if (a.failed) return nullptr;
  const int32_t *srcShape = p + 1, *srcBegin = srcShape + rank, *dstShape = srcBegin + rank, *dstBegin = dstShape + rank, *size = dstBegin + rank;
  int64_t srcSize = 1, dstSize = 1;
  for (int i = 0; i < rank; i++) {
    if (p[0] != rank || size[i] < 0 || srcBegin[i] < 0 || dstBegin[i] < 0 || srcBegin[i] + int64_t(size[i]) > srcShape[i] || dstBegin[i] + int64_t(size[i]) > dstShape[i]) {
      a.fail("the box does not fit both arrays");
      return nullptr;
    }
    srcSize *= srcShape[i], dstSize *= dstShape[i];
  }
  const float* src = a.floats(0, srcSize);
  float* dst = a.floats(1, dstSize);
  if (!a.failed) be::copyBox(src, srcShape, srcBegin, dst, dstShape, dstBegin, size, rank);
  return nullptr;
}

// fill(y, value)
napi_value Fill(napi_env env, napi_callback_info info) {
  Args a(env, info, 2);
  float* y = a.floats(0, 0);
  const int64_t n = floatsLength(a, 0);
  const float value = float(a.number(1));
  if (!a.failed) be::fill(y, n, value);
  return nullptr;
}

// setThreads(n): OpenMP's and OpenBLAS's; threads() -> OpenMP's.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  const int n = a.count(0);
  if (n < 1) a.fail("threads must be at least 1");
  if (!a.failed) be::setThreads(n);
  return nullptr;
}

napi_value Threads(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_int32(env, be::threads(), &out);
  return out;
}

}  // namespace

namespace vaekit {

// Defines the backend's kernels on a new object `exports.backend`.
void defineBackendKernels(napi_env env, napi_value exports) {
  napi_value object;
  napi_create_object(env, &object);
  const napi_property_descriptor props[] = {
      {"matMul", nullptr, MatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduce", nullptr, Reduce, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"transpose", nullptr, Transpose, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"copyBox", nullptr, CopyBox, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fill", nullptr, Fill, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, object, sizeof(props) / sizeof(props[0]), props);
  napi_set_named_property(env, exports, "backend", object);
}

}  // namespace vaekit
