// Node-API bindings of the kernels: every array argument is a Float32Array, every size a number. Shapes are
// checked here against the arrays' lengths, so a wrong call throws a TypeError instead of reading past memory.
#include <node_api.h>

#include <cstdint>
#include <string>

#include "event_loop.h"
#include "kernels.h"
#include "napi_args.h"

namespace vaekit {
void defineBackendKernels(napi_env env, napi_value exports);
}

namespace {

using vaekit::Args;

// gemm(transA, transB, m, n, k, a, b, c, beta)
napi_value Gemm(napi_env env, napi_callback_info info) {
  Args a(env, info, 9);
  const bool ta = a.flag(0), tb = a.flag(1);
  const int m = a.count(2), n = a.count(3), k = a.count(4);
  const float* A = a.floats(5, int64_t(m) * k);
  const float* B = a.floats(6, int64_t(k) * n);
  float* C = a.floats(7, int64_t(m) * n);
  const float beta = float(a.number(8));
  if (!a.failed) vaekit::gemm(ta, tb, m, n, k, A, B, C, beta);
  return nullptr;
}

// biasActivation(y, bias, rows, cols, activation)
napi_value BiasActivation(napi_env env, napi_callback_info info) {
  Args a(env, info, 5);
  const int rows = a.count(2), cols = a.count(3), act = a.count(4);
  float* y = a.floats(0, int64_t(rows) * cols);
  const float* bias = a.floats(1, cols);
  if (act > 5) a.fail("unknown activation code");
  if (!a.failed) vaekit::biasActivation(y, bias, rows, cols, vaekit::Activation(act));
  return nullptr;
}

// activationGrad(dy, y, n, activation)
napi_value ActivationGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  const int n = a.count(2), act = a.count(3);
  float* dy = a.floats(0, n);
  const float* y = a.floats(1, n);
  if (act > 5) a.fail("unknown activation code");
  if (!a.failed) vaekit::activationGrad(dy, y, n, vaekit::Activation(act));
  return nullptr;
}

// columnSums(d, rows, cols, out)
napi_value ColumnSums(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  const int rows = a.count(1), cols = a.count(2);
  const float* d = a.floats(0, int64_t(rows) * cols);
  float* out = a.floats(3, cols);
  if (!a.failed) vaekit::columnSums(d, rows, cols, out);
  return nullptr;
}

// adam(p, g, m, v, n, beta1, beta2, epsilon, stepSize, rootCorrection)
napi_value Adam(napi_env env, napi_callback_info info) {
  Args a(env, info, 10);
  const double beta1 = a.number(5), beta2 = a.number(6);
  const int n = a.count(4);
  float* p = a.floats(0, n);
  const float* g = a.floats(1, n);
  float* m = a.floats(2, n);
  float* v = a.floats(3, n);
  const vaekit::AdamStep step{float(beta1), float(1 - beta1), float(beta2), float(1 - beta2), float(a.number(7)), float(a.number(8)), float(a.number(9))};
  if (!a.failed) vaekit::adam(p, g, m, v, n, step);
  return nullptr;
}

// gaussianHead(encOut, eps, rows, k, samples, z, kl | null)
napi_value GaussianHead(napi_env env, napi_callback_info info) {
  Args a(env, info, 7);
  const int rows = a.count(2), k = a.count(3), samples = a.count(4);
  const int64_t drawn = int64_t(rows) * samples * k;
  const float* enc = a.floats(0, int64_t(rows) * 2 * k);
  const float* eps = a.floats(1, drawn);
  float* z = a.floats(5, drawn);
  float* kl = a.floats(6, rows, true);
  if (!a.failed) vaekit::gaussianHead(enc, eps, rows, k, samples, z, kl);
  return nullptr;
}

// gaussianHeadGrad(encOut, eps, dz, rows, k, samples, klWeight, dEncOut)
napi_value GaussianHeadGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 8);
  const int rows = a.count(3), k = a.count(4), samples = a.count(5);
  const int64_t drawn = int64_t(rows) * samples * k;
  const float* enc = a.floats(0, int64_t(rows) * 2 * k);
  const float* eps = a.floats(1, drawn);
  const float* dz = a.floats(2, drawn);
  const float klWeight = float(a.number(6));
  float* dEnc = a.floats(7, int64_t(rows) * 2 * k);
  if (!a.failed) vaekit::gaussianHeadGrad(enc, eps, dz, rows, k, samples, klWeight, dEnc);
  return nullptr;
}

// logLikelihood(out, x, rows, dim, dataRows, decoder, sigma, minLogVar, logLik, dOut | null, gradScale)
napi_value LogLikelihood(napi_env env, napi_callback_info info) {
  Args a(env, info, 11);
  const int rows = a.count(2), dim = a.count(3), dataRows = a.count(4), decoder = a.count(5);
  if (decoder > 2) a.fail("unknown decoder code");
  if (dataRows == 0 || (!a.failed && rows % dataRows != 0)) a.fail("rows must be a multiple of dataRows");
  const int64_t width = decoder == 2 ? 2 * int64_t(dim) : dim;
  const float* out = a.floats(0, rows * width);
  const float* x = a.floats(1, int64_t(dataRows) * dim);
  const vaekit::Likelihood lik{vaekit::Decoder(decoder), float(a.number(6)), float(a.number(7))};
  float* logLik = a.floats(8, rows);
  float* dOut = a.floats(9, rows * width, true);
  const float gradScale = float(a.number(10));
  if (!a.failed) vaekit::logLikelihood(out, x, rows, dim, dataRows, lik, logLik, dOut, gradScale);
  return nullptr;
}

// importanceCorrection(z, encOut, eps, rows, k, samples, logW)
napi_value ImportanceCorrection(napi_env env, napi_callback_info info) {
  Args a(env, info, 7);
  const int rows = a.count(3), k = a.count(4), samples = a.count(5);
  const int64_t drawn = int64_t(rows) * samples * k;
  const float* z = a.floats(0, drawn);
  const float* enc = a.floats(1, int64_t(rows) * 2 * k);
  const float* eps = a.floats(2, drawn);
  float* logW = a.floats(6, int64_t(rows) * samples);
  if (!a.failed) vaekit::importanceCorrection(z, enc, eps, rows, k, samples, logW);
  return nullptr;
}

// bernoulliInPlace(x, n, state)
napi_value BernoulliInPlace(napi_env env, napi_callback_info info) {
  Args a(env, info, 3);
  const int n = a.count(1);
  float* x = a.floats(0, n);
  uint32_t* state = a.generatorState(2);
  if (!a.failed) vaekit::bernoulliInPlace(x, n, state);
  return nullptr;
}

// fillNormal(out, n, state) -> spare (NaN if none)
napi_value FillNormal(napi_env env, napi_callback_info info) {
  Args a(env, info, 3);
  const int n = a.count(1);
  float* out = a.floats(0, n);
  uint32_t* state = a.generatorState(2);
  if (a.failed) return nullptr;
  napi_value spare;
  napi_create_double(env, vaekit::fillNormal(out, n, state), &spare);
  return spare;
}

// info() -> { blas, threads, parallel }
napi_value Info(napi_env env, napi_callback_info) {
  const vaekit::BlasInfo b = vaekit::blasInfo();
  napi_value out, config, threads, parallel;
  napi_create_object(env, &out);
  napi_create_string_utf8(env, b.config ? b.config : "unknown", NAPI_AUTO_LENGTH, &config);
  napi_create_int32(env, b.threads, &threads);
  napi_create_string_utf8(env, b.parallel == 2 ? "openmp" : b.parallel == 1 ? "pthreads" : "sequential", NAPI_AUTO_LENGTH, &parallel);
  napi_set_named_property(env, out, "blas", config);
  napi_set_named_property(env, out, "threads", threads);
  napi_set_named_property(env, out, "parallel", parallel);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"biasActivation", nullptr, BiasActivation, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activationGrad", nullptr, ActivationGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"columnSums", nullptr, ColumnSums, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gaussianHead", nullptr, GaussianHead, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gaussianHeadGrad", nullptr, GaussianHeadGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"logLikelihood", nullptr, LogLikelihood, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"importanceCorrection", nullptr, ImportanceCorrection, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bernoulliInPlace", nullptr, BernoulliInPlace, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fillNormal", nullptr, FillNormal, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  vaekit::defineBackendKernels(env, exports);
  vaekit::defineEventLoop(env, exports);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
