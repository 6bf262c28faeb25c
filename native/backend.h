// The kernels of vaekit's native TensorFlow.js backend (src/node/nativeBackend.ts): matrix products and
// convolutions on OpenBLAS, element-wise, broadcasting, reduction and transpose loops threaded with OpenMP.
// Every array is a dense row-major float32 array owned by JavaScript; outputs are written, never allocated.
#pragma once
#include <cstdint>

namespace vaekit::backend {

// The activations tfjs fuses into _FusedMatMul and FusedConv2D (backend_util.Activation), less prelu.
enum class Fused : int { linear, relu, elu, sigmoid, relu6, leakyrelu };

// Element-wise ops of one argument; `p`, `q` are leakyrelu's alpha, clip's bounds, step's alpha.
enum class Unary : int {
  exp, log, log1p, softplus, sigmoid, relu, neg, sqrt, square, tanh, abs, step, elu, expm1, reciprocal, rsqrt,
  leakyrelu, relu6, clip, sign, logSigmoid
};
// eluGrad takes (dy, y): dy where y >= 0, else dy * (y + 1).
enum class Binary : int { add, sub, mul, div, maximum, minimum, squaredDifference, eluGrad };
enum class Reduce : int { sum, mean, max, min };

// out[b] = act(op(a[b]) op(b[b]) + bias) for b < max(batchA, batchB); a batch of 1 is broadcast. biasLength is
// 0 (none), 1 (a scalar), n (a row), or m * n (a matrix, shared by every batch).
void matMul(const float* a, const float* b, float* out, int batchA, int batchB, int m, int n, int k, bool transA,
            bool transB, const float* bias, int64_t biasLength, Fused act, float alpha);

// A 2-D convolution, NHWC input, filter [kH, kW, inC, outC], NHWC output.
struct ConvShape {
  int batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft;
};
void conv2d(const ConvShape& s, const float* x, const float* w, float* y, const float* bias, Fused act, float alpha);
// dx of y = conv2d(x, w): the transposed convolution of dy.
void conv2dBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx);
// dw of y = conv2d(x, w).
void conv2dBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw);

void unary(Unary op, const float* x, float* y, int64_t n, float p, float q);
// out = a op b with numpy broadcasting: shapes of equal rank (ones where broadcast), out's the largest.
void binary(Binary op, const float* a, const float* b, float* out, int rank, const int32_t* outShape,
            const int32_t* aShape, const int32_t* bShape);
// x viewed as [outer, size, inner], reduced over the middle axis into out [outer, inner].
void reduce(Reduce op, const float* x, float* out, int64_t outer, int64_t size, int64_t inner);
// y = x with its axes permuted (y's axis i is x's axis perm[i]).
void transpose(const float* x, float* y, int rank, const int32_t* shape, const int32_t* perm);
// dst[dstBegin + i] = src[srcBegin + i] for every index i of the box `size`: slices, pads, concatenations.
void copyBox(const float* src, const int32_t* srcShape, const int32_t* srcBegin, float* dst, const int32_t* dstShape,
             const int32_t* dstBegin, const int32_t* size, int rank);
void fill(float* y, int64_t n, float value);
// OpenMP's and OpenBLAS's thread counts.
void setThreads(int n);
int threads();

}  // namespace vaekit::backend
