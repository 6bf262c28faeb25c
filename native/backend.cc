// The kernels of vaekit's native TensorFlow.js backend (see backend.h). Matrix products are OpenBLAS's sgemm;
// a convolution is im2col (or its gather inverse) into a workspace a few MB large, chunk by chunk of images so
// that the workspace stays in cache, and one sgemm per chunk. Loops are OpenMP-threaded above kParallelMin
// elements and written for GCC to vectorize.
#include "backend.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "fastmath.h"

extern "C" {
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float* a, int lda,
                 const float* b, int ldb, float beta, float* c, int ldc);
void openblas_set_num_threads(int n);
}

namespace vaekit::backend {

namespace {
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;
constexpr int64_t kParallelMin = 1 << 14;
// Bytes of im2col workspace per chunk: well inside this machine's L3 beside the filter and the output rows.
constexpr int64_t kWorkspaceBytes = 4 << 20;
// Rows of a long broadcast row handled by one task.
constexpr int64_t kBlock = 1 << 13;

// One growing buffer: the kernels are called from JavaScript's main thread, one at a time.
float* workspace(int64_t n) {
  static std::vector<float> buffer;
  if (int64_t(buffer.size()) < n) buffer.resize(size_t(n));
  return buffer.data();
}

template <class F>
void map(const float* x, float* y, int64_t n, F f) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; i++) y[i] = f(x[i]);
}

inline float sigmoidAny(float x) {
  const float e = expNonPositive(-std::fabs(x));
  const float s = (x >= 0 ? 1.0f : e) / (1.0f + e);
  return x != x ? x : s;
}

inline float softplusAny(float x) {
  const float s = (x > 0.0f ? x : 0.0f) + log1pUnit(expNonPositive(-std::fabs(x)));
  return x != x ? x : s;
}

// exp(x) - 1: the Taylor series to x^8 near 0, where exp(x) - 1 would cancel, else exp(x) - 1.
inline float expm1Any(float x) {
  float p = 1.0f / 40320.0f;
  p = p * x + 1.0f / 5040.0f;
  p = p * x + 1.0f / 720.0f;
  p = p * x + 1.0f / 120.0f;
  p = p * x + 1.0f / 24.0f;
  p = p * x + 1.0f / 6.0f;
  p = p * x + 0.5f;
  const float series = x + x * x * p;
  return std::fabs(x) < 0.35f ? series : expAny(x) - 1.0f;
}

inline float eluAny(float x) { return x > 0.0f ? x : expm1Any(x); }

// y = act(y + bias) over rows x cols; biasLength 0, 1, cols or rows * cols.
void biasActivation(float* y, int64_t rows, int64_t cols, const float* bias, int64_t biasLength, Fused act, float alpha) {
  if (biasLength == 0 && act == Fused::linear) return;
  const int64_t total = rows * cols;
#pragma omp parallel for schedule(static) if (total >= kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    float* row = y + r * cols;
    const float* b = biasLength == 0 ? nullptr : biasLength == 1 ? bias : biasLength == cols ? bias : bias + r * cols;
    const int64_t bStride = biasLength > 1 ? 1 : 0;
    switch (act) {
#define VAEKIT_ROW(expr)                                 \
  _Pragma("omp simd") for (int64_t j = 0; j < cols; j++) { \
    const float v = row[j] + (b ? b[j * bStride] : 0.0f);  \
    row[j] = (expr);                                       \
  }                                                        \
  break;
      case Fused::linear: VAEKIT_ROW(v)
      case Fused::relu: VAEKIT_ROW(v > 0.0f ? v : (v != v ? v : 0.0f))
      case Fused::elu: VAEKIT_ROW(eluAny(v))
      case Fused::sigmoid: VAEKIT_ROW(sigmoidAny(v))
      case Fused::relu6: VAEKIT_ROW(v > 6.0f ? 6.0f : (v > 0.0f ? v : (v != v ? v : 0.0f)))
      case Fused::leakyrelu: VAEKIT_ROW(v < 0.0f ? alpha * v : v)
#undef VAEKIT_ROW
    }
  }
}
}  // namespace

void matMul(const float* a, const float* b, float* out, int batchA, int batchB, int m, int n, int k, bool transA,
            bool transB, const float* bias, int64_t biasLength, Fused act, float alpha) {
  const int batch = std::max(batchA, batchB);
  const int64_t sizeA = int64_t(m) * k, sizeB = int64_t(k) * n, sizeOut = int64_t(m) * n;
  for (int i = 0; i < batch; i++) {
    const float* ai = a + (batchA == 1 ? 0 : i * sizeA);
    const float* bi = b + (batchB == 1 ? 0 : i * sizeB);
    float* oi = out + i * sizeOut;
    if (k == 0) {
      std::fill(oi, oi + sizeOut, 0.0f);
    } else {
      cblas_sgemm(kRowMajor, transA ? kTrans : kNoTrans, transB ? kTrans : kNoTrans, m, n, k, 1.0f, ai,
                  transA ? m : k, bi, transB ? k : n, 0.0f, oi, n);
    }
    biasActivation(oi, m, n, bias, biasLength, act, alpha);
  }
}

namespace {
int64_t kernelSize(const ConvShape& s) { return int64_t(s.kH) * s.kW * s.inC; }
int64_t pixelsOut(const ConvShape& s) { return int64_t(s.outH) * s.outW; }

// Whole images per chunk: as many as fit the workspace budget, at least one.
int imagesPerChunk(const ConvShape& s) {
  const int64_t perImage = pixelsOut(s) * kernelSize(s) * int64_t(sizeof(float));
  return int(std::clamp<int64_t>(kWorkspaceBytes / std::max<int64_t>(perImage, 1), 1, s.batch));
}

// A 1x1 stride-1 unpadded convolution reads its input as the im2col matrix itself.
bool isPointwise(const ConvShape& s) {
  return s.kH == 1 && s.kW == 1 && s.strideH == 1 && s.strideW == 1 && s.padTop == 0 && s.padLeft == 0 &&
         s.outH == s.inH && s.outW == s.inW;
}

// col [images * outH * outW, kH * kW * inC]: the input patch under each output pixel, zeros outside the image.
void im2col(const ConvShape& s, const float* x, int images, float* col) {
  const int64_t K = kernelSize(s);
  const int64_t rows = int64_t(images) * pixelsOut(s);
  const size_t run = size_t(s.inC) * sizeof(float);
#pragma omp parallel for schedule(static) if (rows * K >= kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    const int b = int(r / pixelsOut(s));
    const int oy = int(r / s.outW % s.outH), ox = int(r % s.outW);
    float* row = col + r * K;
    for (int ky = 0; ky < s.kH; ky++) {
      const int iy = oy * s.strideH - s.padTop + ky * s.dilationH;
      float* dst = row + int64_t(ky) * s.kW * s.inC;
      if (iy < 0 || iy >= s.inH) {
        std::memset(dst, 0, run * s.kW);
        continue;
      }
      const float* src = x + (int64_t(b) * s.inH + iy) * s.inW * s.inC;
      for (int kx = 0; kx < s.kW; kx++) {
        const int ix = ox * s.strideW - s.padLeft + kx * s.dilationW;
        if (ix < 0 || ix >= s.inW) std::memset(dst + kx * s.inC, 0, run);
        else std::memcpy(dst + kx * s.inC, src + int64_t(ix) * s.inC, run);
      }
    }
  }
}

// The inverse gather: dx[b, iy, ix, :] = sum of the col entries that im2col copied from (b, iy, ix). Each input
// row is one task, so no two threads write the same value.
void col2im(const ConvShape& s, const float* col, int images, float* dx) {
  const int64_t K = kernelSize(s);
  const int64_t inputRows = int64_t(images) * s.inH;
  const int c = s.inC;
#pragma omp parallel for schedule(static) if (inputRows * s.inW * c * s.kH * s.kW >= kParallelMin)
  for (int64_t t = 0; t < inputRows; t++) {
    const int b = int(t / s.inH), iy = int(t % s.inH);
    float* out = dx + t * s.inW * c;
    std::memset(out, 0, sizeof(float) * s.inW * c);
    for (int ky = 0; ky < s.kH; ky++) {
      const int num = iy + s.padTop - ky * s.dilationH;
      if (num < 0 || num % s.strideH != 0) continue;
      const int oy = num / s.strideH;
      if (oy >= s.outH) continue;
      for (int ix = 0; ix < s.inW; ix++) {
        float* o = out + int64_t(ix) * c;
        for (int kx = 0; kx < s.kW; kx++) {
          const int numX = ix + s.padLeft - kx * s.dilationW;
          if (numX < 0 || numX % s.strideW != 0) continue;
          const int ox = numX / s.strideW;
          if (ox >= s.outW) continue;
          const float* src = col + ((int64_t(b) * s.outH + oy) * s.outW + ox) * K + (int64_t(ky) * s.kW + kx) * c;
#pragma omp simd
          for (int j = 0; j < c; j++) o[j] += src[j];
        }
      }
    }
  }
}
}  // namespace

void conv2d(const ConvShape& s, const float* x, const float* w, float* y, const float* bias, Fused act, float alpha) {
  const int64_t K = kernelSize(s), P = pixelsOut(s);
  const int64_t inImage = int64_t(s.inH) * s.inW * s.inC, outImage = P * s.outC;
  const int chunk = isPointwise(s) ? s.batch : imagesPerChunk(s);
  float* col = isPointwise(s) ? nullptr : workspace(chunk * P * K);
  for (int b0 = 0; b0 < s.batch; b0 += chunk) {
    const int images = std::min(chunk, s.batch - b0);
    const float* a = x + b0 * inImage;
    if (col) {
      im2col(s, a, images, col);
      a = col;
    }
    float* out = y + b0 * outImage;
    const int rows = int(images * P);
    cblas_sgemm(kRowMajor, kNoTrans, kNoTrans, rows, s.outC, int(K), 1.0f, a, int(K), w, s.outC, 0.0f, out, s.outC);
    biasActivation(out, rows, s.outC, bias, bias ? s.outC : 0, act, alpha);
  }
}

void conv2dBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx) {
  const int64_t K = kernelSize(s), P = pixelsOut(s);
  const int64_t inImage = int64_t(s.inH) * s.inW * s.inC, outImage = P * s.outC;
  if (isPointwise(s)) {
    cblas_sgemm(kRowMajor, kNoTrans, kTrans, int(s.batch * P), s.inC, s.outC, 1.0f, dy, s.outC, w, s.outC, 0.0f, dx,
                s.inC);
    return;
  }
  const int chunk = imagesPerChunk(s);
  float* col = workspace(chunk * P * K);
  for (int b0 = 0; b0 < s.batch; b0 += chunk) {
    const int images = std::min(chunk, s.batch - b0);
    // dcol [rows, K] = dy [rows, outC] w^T, w being [K, outC].
    cblas_sgemm(kRowMajor, kNoTrans, kTrans, int(images * P), int(K), s.outC, 1.0f, dy + b0 * outImage, s.outC, w,
                s.outC, 0.0f, col, int(K));
    col2im(s, col, images, dx + b0 * inImage);
  }
}

void conv2dBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw) {
  const int64_t K = kernelSize(s), P = pixelsOut(s);
  const int64_t inImage = int64_t(s.inH) * s.inW * s.inC, outImage = P * s.outC;
  const int chunk = isPointwise(s) ? s.batch : imagesPerChunk(s);
  float* col = isPointwise(s) ? nullptr : workspace(chunk * P * K);
  if (s.batch == 0) std::fill(dw, dw + K * s.outC, 0.0f);
  for (int b0 = 0; b0 < s.batch; b0 += chunk) {
    const int images = std::min(chunk, s.batch - b0);
    const float* a = x + b0 * inImage;
    if (col) {
      im2col(s, a, images, col);
      a = col;
    }
    // dw [K, outC] (+)= col^T [K, rows] dy [rows, outC].
    cblas_sgemm(kRowMajor, kTrans, kNoTrans, int(K), s.outC, int(images * P), 1.0f, a, int(K), dy + b0 * outImage,
                s.outC, b0 == 0 ? 0.0f : 1.0f, dw, s.outC);
  }
}

void unary(Unary op, const float* x, float* y, int64_t n, float p, float q) {
  switch (op) {
    case Unary::exp: map(x, y, n, [](float v) { return expAny(v); }); break;
    case Unary::log: map(x, y, n, [](float v) { return logAny(v); }); break;
    case Unary::log1p: map(x, y, n, [](float v) { return log1pAny(v); }); break;
    case Unary::softplus: map(x, y, n, [](float v) { return softplusAny(v); }); break;
    case Unary::sigmoid: map(x, y, n, [](float v) { return sigmoidAny(v); }); break;
    case Unary::relu: map(x, y, n, [](float v) { return v > 0.0f ? v : (v != v ? v : 0.0f); }); break;
    case Unary::neg: map(x, y, n, [](float v) { return -v; }); break;
    case Unary::sqrt: map(x, y, n, [](float v) { return std::sqrt(v); }); break;
    case Unary::square: map(x, y, n, [](float v) { return v * v; }); break;
    case Unary::tanh: map(x, y, n, [](float v) { return std::tanh(v); }); break;
    case Unary::abs: map(x, y, n, [](float v) { return std::fabs(v); }); break;
    case Unary::step: map(x, y, n, [p](float v) { return v > 0.0f ? 1.0f : (v != v ? v : p); }); break;
    case Unary::elu: map(x, y, n, [](float v) { return eluAny(v); }); break;
    case Unary::expm1: map(x, y, n, [](float v) { return expm1Any(v); }); break;
    case Unary::reciprocal: map(x, y, n, [](float v) { return 1.0f / v; }); break;
    case Unary::rsqrt: map(x, y, n, [](float v) { return 1.0f / std::sqrt(v); }); break;
    case Unary::leakyrelu: map(x, y, n, [p](float v) { return v < 0.0f ? p * v : v; }); break;
    case Unary::relu6: map(x, y, n, [](float v) { return v > 6.0f ? 6.0f : (v > 0.0f ? v : (v != v ? v : 0.0f)); }); break;
    case Unary::clip: map(x, y, n, [p, q](float v) { return v < p ? p : (v > q ? q : v); }); break;
    case Unary::sign: map(x, y, n, [](float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f); }); break;
    case Unary::logSigmoid: map(x, y, n, [](float v) { return -softplusAny(-v); }); break;
  }
}

namespace {
template <class F, int SA, int SB>
inline void binaryRun(F f, const float* a, const float* b, float* out, int64_t n) {
#pragma omp simd
  for (int64_t j = 0; j < n; j++) out[j] = f(a[j * SA], b[j * SB]);
}

constexpr int kMaxRank = 8;

template <class F>
void binaryWith(F f, const float* a, const float* b, float* out, int rank, const int32_t* outShape,
                const int32_t* aShape, const int32_t* bShape) {
  // Collapse to the fewest axes: drop size-1 axes of the output, merge neighbours broadcast alike.
  int64_t dims[kMaxRank];
  bool aFull[kMaxRank], bFull[kMaxRank];
  int r = 0;
  for (int i = 0; i < rank; i++) {
    if (outShape[i] == 1) continue;
    const bool fa = aShape[i] != 1, fb = bShape[i] != 1;
    if (r > 0 && aFull[r - 1] == fa && bFull[r - 1] == fb) {
      dims[r - 1] *= outShape[i];
    } else {
      dims[r] = outShape[i], aFull[r] = fa, bFull[r] = fb;
      r++;
    }
  }
  if (r == 0) dims[0] = 1, aFull[0] = bFull[0] = true, r = 1;
  int64_t aStride[kMaxRank], bStride[kMaxRank];
  int64_t sa = 1, sb = 1, total = 1;
  for (int i = r - 1; i >= 0; i--) {
    aStride[i] = aFull[i] ? sa : 0, bStride[i] = bFull[i] ? sb : 0;
    if (aFull[i]) sa *= dims[i];
    if (bFull[i]) sb *= dims[i];
    total *= dims[i];
  }
  const int64_t inner = dims[r - 1];
  const int64_t pieces = (inner + kBlock - 1) / kBlock;
  const int64_t tasks = total / std::max<int64_t>(inner, 1) * pieces;
  const int ia = aFull[r - 1] ? 1 : 0, ib = bFull[r - 1] ? 1 : 0;
#pragma omp parallel for schedule(static) if (total >= kParallelMin)
  for (int64_t t = 0; t < tasks; t++) {
    int64_t row = t / pieces;
    const int64_t j0 = t % pieces * kBlock, n = std::min(kBlock, inner - j0);
    int64_t offA = 0, offB = 0;
    for (int i = r - 2; i >= 0; i--) {
      const int64_t idx = row % dims[i];
      row /= dims[i];
      offA += idx * aStride[i], offB += idx * bStride[i];
    }
    const float* pa = a + offA + j0 * ia;
    const float* pb = b + offB + j0 * ib;
    float* po = out + t / pieces * inner + j0;
    if (ia && ib) binaryRun<F, 1, 1>(f, pa, pb, po, n);
    else if (ia) binaryRun<F, 1, 0>(f, pa, pb, po, n);
    else if (ib) binaryRun<F, 0, 1>(f, pa, pb, po, n);
    else binaryRun<F, 0, 0>(f, pa, pb, po, n);
  }
}
}  // namespace

void binary(Binary op, const float* a, const float* b, float* out, int rank, const int32_t* outShape,
            const int32_t* aShape, const int32_t* bShape) {
#define VAEKIT_BINARY(expr) binaryWith([](float u, float v) { return (expr); }, a, b, out, rank, outShape, aShape, bShape)
  switch (op) {
    case Binary::add: VAEKIT_BINARY(u + v); break;
    case Binary::sub: VAEKIT_BINARY(u - v); break;
    case Binary::mul: VAEKIT_BINARY(u * v); break;
    case Binary::div: VAEKIT_BINARY(u / v); break;
    // tfjs' maximum and minimum propagate NaN.
    case Binary::maximum: VAEKIT_BINARY(u != u || v != v ? u + v : (u > v ? u : v)); break;
    case Binary::minimum: VAEKIT_BINARY(u != u || v != v ? u + v : (u < v ? u : v)); break;
    case Binary::squaredDifference: VAEKIT_BINARY(float((double(u) - v) * (double(u) - v))); break;
    case Binary::eluGrad: VAEKIT_BINARY(v >= 0.0f ? u : u * (v + 1.0f)); break;
  }
#undef VAEKIT_BINARY
}

void reduce(Reduce op, const float* x, float* out, int64_t outer, int64_t size, int64_t inner) {
  const bool extremum = op == Reduce::max || op == Reduce::min;
  const bool isMax = op == Reduce::max;
  const double scale = op == Reduce::mean ? 1.0 / double(size) : 1.0;
  if (inner == 1) {
#pragma omp parallel for schedule(static) if (outer * size >= kParallelMin)
    for (int64_t o = 0; o < outer; o++) {
      const float* row = x + o * size;
      if (extremum) {
        float m = row[0];
        for (int64_t j = 1; j < size; j++) {
          const float v = row[j];
          const bool take = isMax ? v > m : v < m;
          m = (take || v != v) && m == m ? v : m;
        }
        out[o] = m;
      } else {
        double sum = 0;
#pragma omp simd reduction(+ : sum)
        for (int64_t j = 0; j < size; j++) sum += double(row[j]);
        out[o] = float(sum * scale);
      }
    }
    return;
  }
  // Columns: blocks of `inner` accumulated across `size` rows. With few outer rows, the rows are split
  // among threads into partial sums, added in a fixed order.
  constexpr int64_t kCols = 256;
  const int64_t colBlocks = (inner + kCols - 1) / kCols;
  const int threadsNow = (outer * size * inner >= kParallelMin) ? omp_get_max_threads() : 1;
  const int64_t parts = extremum || outer * colBlocks >= threadsNow ? 1 : std::min<int64_t>(threadsNow, size);
  std::vector<double> partial(size_t(parts > 1 ? parts * outer * inner : 0));
#pragma omp parallel for schedule(static) if (threadsNow > 1)
  for (int64_t t = 0; t < outer * colBlocks * parts; t++) {
    const int64_t part = t % parts, cb = t / parts % colBlocks, o = t / parts / colBlocks;
    const int64_t c0 = cb * kCols, nc = std::min(kCols, inner - c0);
    const int64_t r0 = size * part / parts, r1 = size * (part + 1) / parts;
    const float* base = x + o * size * inner + c0;
    if (extremum) {
      float m[kCols];
      for (int64_t j = 0; j < nc; j++) m[j] = base[j];
      for (int64_t r = 1; r < size; r++) {
        const float* row = base + r * inner;
        for (int64_t j = 0; j < nc; j++) {
          const float v = row[j];
          const bool take = isMax ? v > m[j] : v < m[j];
          m[j] = (take || v != v) && m[j] == m[j] ? v : m[j];
        }
      }
      for (int64_t j = 0; j < nc; j++) out[o * inner + c0 + j] = m[j];
    } else {
      double acc[kCols] = {};
      for (int64_t r = r0; r < r1; r++) {
        const float* row = base + r * inner;
#pragma omp simd
        for (int64_t j = 0; j < nc; j++) acc[j] += double(row[j]);
      }
      if (parts == 1) {
        for (int64_t j = 0; j < nc; j++) out[o * inner + c0 + j] = float(acc[j] * scale);
      } else {
        double* dst = partial.data() + (part * outer + o) * inner + c0;
        for (int64_t j = 0; j < nc; j++) dst[j] = acc[j];
      }
    }
  }
  if (parts > 1) {
    for (int64_t i = 0; i < outer * inner; i++) {
      double sum = 0;
      for (int64_t part = 0; part < parts; part++) sum += partial[size_t(part * outer * inner + i)];
      out[i] = float(sum * scale);
    }
  }
}

void transpose(const float* x, float* y, int rank, const int32_t* shape, const int32_t* perm) {
  int64_t inStride[kMaxRank], outDims[kMaxRank], strideOf[kMaxRank];
  int64_t s = 1, total = 1;
  for (int i = rank - 1; i >= 0; i--) inStride[i] = s, s *= shape[i];
  for (int i = 0; i < rank; i++) outDims[i] = shape[perm[i]], strideOf[i] = inStride[perm[i]], total *= outDims[i];
  if (total == 0) return;
  const int64_t inner = outDims[rank - 1], innerStride = strideOf[rank - 1];
  const int64_t rows = total / inner;
#pragma omp parallel for schedule(static) if (total >= kParallelMin)
  for (int64_t row = 0; row < rows; row++) {
    int64_t rest = row, off = 0;
    for (int i = rank - 2; i >= 0; i--) {
      off += rest % outDims[i] * strideOf[i];
      rest /= outDims[i];
    }
    const float* src = x + off;
    float* dst = y + row * inner;
    if (innerStride == 1) std::memcpy(dst, src, sizeof(float) * inner);
    else
      for (int64_t j = 0; j < inner; j++) dst[j] = src[j * innerStride];
  }
}

void copyBox(const float* src, const int32_t* srcShape, const int32_t* srcBegin, float* dst, const int32_t* dstShape,
             const int32_t* dstBegin, const int32_t* size, int rank) {
  int64_t srcStride[kMaxRank], dstStride[kMaxRank];
  int64_t ss = 1, ds = 1, total = 1, srcBase = 0, dstBase = 0;
  for (int i = rank - 1; i >= 0; i--) {
    srcStride[i] = ss, dstStride[i] = ds;
    srcBase += srcBegin[i] * ss, dstBase += dstBegin[i] * ds;
    ss *= srcShape[i], ds *= dstShape[i], total *= size[i];
  }
  if (total == 0) return;
  const int64_t inner = size[rank - 1], rows = total / inner;
#pragma omp parallel for schedule(static) if (total >= kParallelMin)
  for (int64_t row = 0; row < rows; row++) {
    int64_t rest = row, from = srcBase, to = dstBase;
    for (int i = rank - 2; i >= 0; i--) {
      const int64_t idx = rest % size[i];
      rest /= size[i];
      from += idx * srcStride[i], to += idx * dstStride[i];
    }
    std::memcpy(dst + to, src + from, sizeof(float) * inner);
  }
}

void fill(float* y, int64_t n, float value) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; i++) y[i] = value;
}

void setThreads(int n) {
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}

int threads() { return omp_get_max_threads(); }

}  // namespace vaekit::backend
