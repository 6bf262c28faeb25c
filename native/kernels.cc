// vaekit's optional native kernels: the matrix products through the system's OpenBLAS (cblas_sgemm, both
// cores), and the element-wise parts of an MLP VAE fused into single passes over memory, threaded with
// OpenMP. Every function works on row-major float32 arrays owned by JavaScript; nothing is allocated here.
// The portable path (tfjs + wasm) computes the same quantities; src/fastpath/mlpVae.ts composes these.
#include "kernels.h"
#include "fastmath.h"

#include <cmath>
#include <cstdint>
#include <cstring>

extern "C" {
// From OpenBLAS's cblas.h, declared here so that only the runtime library (libopenblas0-*) is needed.
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float* a, int lda,
                 const float* b, int ldb, float beta, float* c, int ldc);
char* openblas_get_config(void);
int openblas_get_num_threads(void);
int openblas_get_parallel(void);
}

namespace vaekit {

namespace {
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;
constexpr float kLog2Pi = 1.8378770664093453f;
// Below this many elements a loop runs on one thread: waking the other costs more than it saves.
constexpr int64_t kParallelMin = 1 << 14;

}  // namespace

void gemm(bool transA, bool transB, int m, int n, int k, const float* a, const float* b, float* c, float beta) {
  const int lda = transA ? m : k;
  const int ldb = transB ? k : n;
  cblas_sgemm(kRowMajor, transA ? kTrans : kNoTrans, transB ? kTrans : kNoTrans, m, n, k, 1.0f, a, lda, b, ldb,
              beta, c, n);
}

void biasActivation(float* y, const float* bias, int rows, int cols, Activation act) {
#pragma omp parallel for schedule(static) if (int64_t(rows) * cols >= kParallelMin)
  for (int r = 0; r < rows; r++) {
    float* row = y + int64_t(r) * cols;
    for (int j = 0; j < cols; j++) {
      const float pre = row[j] + bias[j];
      switch (act) {
        case Activation::linear: row[j] = pre; break;
        case Activation::relu: row[j] = pre > 0 ? pre : 0.0f; break;
        case Activation::tanh: row[j] = std::tanh(pre); break;
        case Activation::sigmoid: row[j] = sigmoid(pre); break;
        case Activation::elu: row[j] = pre > 0 ? pre : std::expm1(pre); break;
        case Activation::softplus: row[j] = softplus(pre); break;
      }
    }
  }
}

void activationGrad(float* dy, const float* y, int64_t n, Activation act) {
  if (act == Activation::linear) return;
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; i++) {
    const float v = y[i];
    switch (act) {
      case Activation::linear: break;
      case Activation::relu: dy[i] = v > 0 ? dy[i] : 0.0f; break;
      case Activation::tanh: dy[i] *= 1.0f - v * v; break;
      case Activation::sigmoid: dy[i] *= v * (1.0f - v); break;
      case Activation::elu: dy[i] *= v > 0 ? 1.0f : v + 1.0f; break;  // elu'(pre) = exp(pre) = y + 1 below 0
      case Activation::softplus: dy[i] *= -std::expm1(-v); break;     // sigmoid(pre) = 1 - exp(-y)
    }
  }
}

void columnSums(const float* d, int rows, int cols, float* out) {
#pragma omp parallel for schedule(static) if (int64_t(rows) * cols >= kParallelMin)
  for (int j = 0; j < cols; j++) {
    double sum = 0;
    for (int r = 0; r < rows; r++) sum += d[int64_t(r) * cols + j];
    out[j] = float(sum);
  }
}

void adam(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, int64_t n,
          const AdamStep& s) {
  // Kingma & Ba 2015, Alg. 1, in PyTorch's arrangement: p -= stepSize * m / (sqrt(v) / rootCorrection + eps).
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; i++) {
    m[i] = m[i] * s.beta1 + g[i] * s.oneMinusBeta1;
    v[i] = v[i] * s.beta2 + g[i] * g[i] * s.oneMinusBeta2;
    p[i] -= m[i] / (std::sqrt(v[i]) / s.rootCorrection + s.epsilon) * s.stepSize;
  }
}

void gaussianHead(const float* encOut, const float* eps, int rows, int k, int samples, float* z, float* kl) {
  // Kingma & Welling 2014: z = mean + exp(0.5 logVar) * eps (sec. 2.4) and
  // KL = 0.5 * sum(mean^2 + exp(logVar) - 1 - logVar) (App. B). z is laid out sample-major.
  for (int r = 0; r < rows; r++) {
    const float* mean = encOut + int64_t(r) * 2 * k;
    const float* logVar = mean + k;
    double sum = 0;
    for (int j = 0; j < k; j++) {
      sum += double(mean[j]) * mean[j] + std::exp(logVar[j]) - 1.0 - logVar[j];
      const float sd = std::exp(0.5f * logVar[j]);
      for (int s = 0; s < samples; s++) {
        const int64_t at = (int64_t(s) * rows + r) * k + j;
        z[at] = mean[j] + sd * eps[at];
      }
    }
    if (kl) kl[r] = float(0.5 * sum);
  }
}

void gaussianHeadGrad(const float* encOut, const float* eps, const float* dz, int rows, int k, int samples,
                      float klWeight, float* dEncOut) {
  for (int r = 0; r < rows; r++) {
    const float* mean = encOut + int64_t(r) * 2 * k;
    const float* logVar = mean + k;
    float* dMean = dEncOut + int64_t(r) * 2 * k;
    float* dLogVar = dMean + k;
    for (int j = 0; j < k; j++) {
      const float halfSd = 0.5f * std::exp(0.5f * logVar[j]);
      float gMean = 0, gLogVar = 0;
      for (int s = 0; s < samples; s++) {
        const int64_t at = (int64_t(s) * rows + r) * k + j;
        gMean += dz[at];
        gLogVar += dz[at] * eps[at] * halfSd;
      }
      dMean[j] = gMean + klWeight * mean[j];
      dLogVar[j] = gLogVar + klWeight * 0.5f * (std::exp(logVar[j]) - 1.0f);
    }
  }
}

void logLikelihood(const float* out, const float* x, int rows, int dim, int dataRows, const Likelihood& lik,
                   float* logLik, float* dOut, float gradScale) {
  // Row i of `out` belongs to data row i % dataRows (samples are stacked sample-major).
  const int width = lik.decoder == Decoder::gaussianLearned ? 2 * dim : dim;
  const double fixedConst = dim * (std::log(double(lik.sigma)) + 0.5 * kLog2Pi);
  const float invVar = 1.0f / (lik.sigma * lik.sigma);
#pragma omp parallel for schedule(static) if (int64_t(rows) * dim >= kParallelMin)
  for (int i = 0; i < rows; i++) {
    const float* o = out + int64_t(i) * width;
    const float* xi = x + int64_t(i % dataRows) * dim;
    float* d = dOut ? dOut + int64_t(i) * width : nullptr;
    double sum = 0;
    switch (lik.decoder) {
      case Decoder::bernoulli: {
        // log p(x|z) = sum x*l - softplus(l); d/dl = x - sigmoid(l). exp(-|l|) serves both.
        float rowSum = 0;
        if (d) {
#pragma omp simd reduction(+ : rowSum)
          for (int j = 0; j < dim; j++) {
            const float l = o[j];
            const float e = expNonPositive(-std::fabs(l));
            rowSum += xi[j] * l - ((l > 0.0f ? l : 0.0f) + log1pUnit(e));
            d[j] = gradScale * ((l >= 0 ? 1.0f : e) / (1.0f + e) - xi[j]);
          }
        } else {
#pragma omp simd reduction(+ : rowSum)
          for (int j = 0; j < dim; j++) {
            const float l = o[j];
            rowSum += xi[j] * l - ((l > 0.0f ? l : 0.0f) + log1pUnit(expNonPositive(-std::fabs(l))));
          }
        }
        sum = rowSum;
        break;
      }
      case Decoder::gaussian:
        // -||x - mean||^2 / (2 sigma^2) - D (log sigma + 0.5 log 2 pi); d/dmean = (x - mean) / sigma^2.
        for (int j = 0; j < dim; j++) {
          const float diff = xi[j] - o[j];
          sum += diff * diff;
          if (d) d[j] = -gradScale * diff * invVar;
        }
        sum = -0.5 * invVar * sum - fixedConst;
        break;
      case Decoder::gaussianLearned:
        // logVar = minLogVar + softplus(raw - minLogVar) (a soft floor);
        // log p = -0.5 sum(log 2 pi + logVar + (x - mean)^2 exp(-logVar)).
        for (int j = 0; j < dim; j++) {
          const float raw = o[dim + j] - lik.minLogVar;
          const float logVar = lik.minLogVar + softplus(raw);
          const float diff = xi[j] - o[j];
          const float precision = std::exp(-logVar);
          sum += kLog2Pi + logVar + diff * diff * precision;
          if (d) {
            d[j] = -gradScale * diff * precision;
            d[dim + j] = -gradScale * (0.5f * diff * diff * precision - 0.5f) * sigmoid(raw);
          }
        }
        sum *= -0.5;
        break;
    }
    logLik[i] = float(sum);
  }
}

void importanceCorrection(const float* z, const float* encOut, const float* eps, int rows, int k, int samples,
                          float* logW) {
  // log p(z) - log q(z|x) = -0.5 sum(z^2) + 0.5 sum(logVar + eps^2): the log 2 pi terms cancel, and
  // (z - mean)^2 / exp(logVar) = eps^2 by construction of z.
  const int64_t total = int64_t(rows) * samples;
#pragma omp parallel for schedule(static) if (total * k >= kParallelMin)
  for (int64_t i = 0; i < total; i++) {
    const float* zi = z + i * k;
    const float* ei = eps + i * k;
    const float* logVar = encOut + (i % rows) * 2 * k + k;
    double sum = 0;
    for (int j = 0; j < k; j++) sum += double(logVar[j]) + double(ei[j]) * ei[j] - double(zi[j]) * zi[j];
    logW[i] += float(0.5 * sum);
  }
}

namespace {
// Chris Doty-Humphrey's sfc32, exactly as src/rng.ts steps it.
struct Sfc32 {
  uint32_t a, b, c, d;
  explicit Sfc32(const uint32_t* s) : a(s[0]), b(s[1]), c(s[2]), d(s[3]) {}
  void store(uint32_t* s) const { s[0] = a, s[1] = b, s[2] = c, s[3] = d; }
  uint32_t next() {
    const uint32_t t = a + b + d;
    d += 1;
    a = b ^ (b >> 9);
    b = c + (c << 3);
    c = ((c << 21) | (c >> 11)) + t;
    return t;
  }
};
}  // namespace

void bernoulliInPlace(float* x, int64_t n, uint32_t* state) {
  Sfc32 g(state);
  for (int64_t i = 0; i < n; i++) x[i] = double(g.next()) / 4294967296.0 < double(x[i]) ? 1.0f : 0.0f;
  g.store(state);
}

double fillNormal(float* out, int64_t n, uint32_t* state) {
  Sfc32 g(state);
  double spare = NAN;
  for (int64_t i = 0; i < n; i += 2) {
    const double u1 = (double(g.next()) + 1.0) / 4294967297.0;  // in (0, 1): log(u1) is finite
    const double u2 = double(g.next()) / 4294967296.0;
    const double r = std::sqrt(-2.0 * std::log(u1));
    out[i] = float(r * std::cos(2.0 * M_PI * u2));
    const double second = r * std::sin(2.0 * M_PI * u2);
    if (i + 1 < n) out[i + 1] = float(second);
    else spare = second;
  }
  g.store(state);
  return spare;
}

BlasInfo blasInfo() {
  return BlasInfo{openblas_get_config(), openblas_get_num_threads(), openblas_get_parallel()};
}

}  // namespace vaekit
