// The kernels behind vaekit's native fast path (see kernels.cc); bindings.cc exposes them to JavaScript.
#pragma once
#include <cstdint>

namespace vaekit {

// Same order as ACTIVATIONS in src/nn/dense.ts.
enum class Activation : int { linear, relu, tanh, sigmoid, elu, softplus };
// Same order as DECODERS in src/models/likelihood.ts.
enum class Decoder : int { bernoulli, gaussian, gaussianLearned };

// 1 - beta1 and 1 - beta2 come from the caller, rounded once from double as the portable path rounds them.
struct AdamStep {
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, stepSize, rootCorrection;
};

struct Likelihood {
  Decoder decoder;
  float sigma, minLogVar;
};

struct BlasInfo {
  const char* config;
  int threads;
  int parallel;  // OpenBLAS: 0 sequential, 1 pthreads, 2 OpenMP
};

// C[m x n] = op(A) op(B) + beta * C, row-major, op = transpose where asked.
void gemm(bool transA, bool transB, int m, int n, int k, const float* a, const float* b, float* c, float beta);
// y = act(y + bias) in place, bias broadcast over rows.
void biasActivation(float* y, const float* bias, int rows, int cols, Activation act);
// dy *= act'(pre), written from the output y = act(pre).
void activationGrad(float* dy, const float* y, int64_t n, Activation act);
void columnSums(const float* d, int rows, int cols, float* out);
void adam(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, int64_t n,
          const AdamStep& step);
// From the encoder's output [mean | logVar] (rows x 2k): z (samples*rows x k, sample-major) and KL per row.
void gaussianHead(const float* encOut, const float* eps, int rows, int k, int samples, float* z, float* kl);
// Gradient of the loss at the encoder's output, from dL/dz and klWeight = dL/dKL_r.
void gaussianHeadGrad(const float* encOut, const float* eps, const float* dz, int rows, int k, int samples,
                      float klWeight, float* dEncOut);
// log p(x|z) per row of the decoder output; with dOut, also gradScale * d(-log p)/d(out).
void logLikelihood(const float* out, const float* x, int rows, int dim, int dataRows, const Likelihood& lik,
                   float* logLik, float* dOut, float gradScale);
// logW += log p(z) - log q(z|x) per row of z.
void importanceCorrection(const float* z, const float* encOut, const float* eps, int rows, int k, int samples,
                          float* logW);
// The sfc32 generator of src/rng.ts, state [a, b, c, d], advanced in place: the same draws as the JS class.
// x[i] = 1 with probability x[i] (dynamic binarization), one draw per value.
void bernoulliInPlace(float* x, int64_t n, uint32_t* state);
// Box-Muller normals as Rng.normal draws them, in pairs; returns the unused second half of the last pair, or NaN.
double fillNormal(float* out, int64_t n, uint32_t* state);
BlasInfo blasInfo();
void flushDenormalsEverywhere();

}  // namespace vaekit
