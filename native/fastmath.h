// Vectorizable single-precision math shared by the kernels (kernels.cc, backend.cc): no calls and no branches
// that stop GCC from turning a loop of them into SIMD code. Cephes' polynomials (Moshier 1992).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace vaekit {

// exp(r) for |r| <= ln2 / 2: Cephes expf's degree-7 polynomial.
inline float expReduced(float r) {
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  return p * r * r + r + 1.0f;
}

// log(m 2^k) from t = m - 1, m in [sqrt(1/2), sqrt(2)): Cephes logf's polynomial in t, with k ln2 added in two
// parts (0.693359375 is exact in float) so it loses nothing.
inline float logReduced(float t, float k) {
  const float z = t * t;
  float p = 7.0376836292e-2f;
  p = p * t - 1.1514610310e-1f;
  p = p * t + 1.1676998740e-1f;
  p = p * t - 1.2420140846e-1f;
  p = p * t + 1.4249322787e-1f;
  p = p * t - 1.6668057665e-1f;
  p = p * t + 2.0000714765e-1f;
  p = p * t - 2.4999993993e-1f;
  p = p * t + 3.3333331174e-1f;
  const float r = t * z * p - 2.12194440e-4f * k - 0.5f * z;
  return t + r + 0.693359375f * k;
}

// exp(x) for x <= 0, vectorizable (no calls, no branches): Cephes expf. x = n ln2 + r with |r| <= ln2 / 2,
// exp(r) by a degree-7 polynomial, 2^n put into the exponent bits. Below -87 it returns ~1e-38, not 0.
inline float expNonPositive(float x) {
  x = x > -87.0f ? x : -87.0f;
  const float n = std::floor(x * 1.44269504088896341f + 0.5f);
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  const float e = expReduced(r);
  int32_t bits = (int32_t(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return e * scale;
}

// log(y) for y in [1, 2], vectorizable: Cephes logf (y = m 2^k, m in [sqrt(1/2), sqrt(2)), polynomial in m - 1).
inline float logOneToTwo(float y) {
  const bool high = y > 1.41421356237f;
  const float k = high ? 1.0f : 0.0f;
  return logReduced((high ? 0.5f * y : y) - 1.0f, k);
}

// log(1 + e) for e in [0, 1]; the correction e / ((1 + e) - 1) recovers what rounding 1 + e loses (Goldberg 1991).
inline float log1pUnit(float e) {
  const float y = 1.0f + e;
  const float u = y - 1.0f;
  return u == 0.0f ? e : logOneToTwo(y) * (e / u);
}

// The stable softplus form: softplus(x) = max(x, 0) + log(1 + exp(-|x|)).
inline float softplus(float x) { return (x > 0.0f ? x : 0.0f) + log1pUnit(expNonPositive(-std::fabs(x))); }

inline float sigmoid(float x) {
  const float e = expNonPositive(-std::fabs(x));
  return (x >= 0 ? 1.0f : e) / (1.0f + e);
}

// exp(x) for every x: 0 below -87.3 (where expf would give a denormal), inf above 88.72, NaN for NaN.
inline float expAny(float x) {
  const float xc = x < -87.3f ? -87.3f : (x > 88.72f ? 88.72f : x);
  const float n = std::floor(xc * 1.44269504088896341f + 0.5f);
  const float r = xc - n * 0.693359375f + n * 2.12194440e-4f;
  float e = expReduced(r);
  const int32_t ni = int32_t(n);
  // 2^n with n up to 128: the last doubling apart, so the exponent field never overflows.
  const int32_t bits = ((ni > 127 ? 127 : ni) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  e = e * scale * (ni > 127 ? 2.0f : 1.0f);
  const float out = x < -87.3f ? 0.0f : (x > 88.72f ? std::numeric_limits<float>::infinity() : e);
  return x != x ? x : out;
}

// log(x) for every x: m 2^k with m in [sqrt(1/2), sqrt(2)), Cephes logf's polynomial in m - 1, k added exactly.
inline float logAny(float x) {
  const bool tiny = x < 1.17549435e-38f;  // denormals (and 0, negatives) scaled up by 2^23 first
  const float xs = tiny ? x * 8388608.0f : x;
  int32_t bits;
  std::memcpy(&bits, &xs, sizeof bits);
  const int32_t e = ((bits >> 23) & 0xff) - 127 - (tiny ? 23 : 0);
  const int32_t mantissa = (bits & 0x7fffff) | 0x3f800000;
  float m;
  std::memcpy(&m, &mantissa, sizeof m);
  const bool high = m > 1.41421356237f;
  const float k = float(e) + (high ? 1.0f : 0.0f);
  const float out = logReduced((high ? 0.5f * m : m) - 1.0f, k);
  const float inf = std::numeric_limits<float>::infinity();
  return x > 0.0f ? (x == inf ? inf : out) : (x == 0.0f ? -inf : std::numeric_limits<float>::quiet_NaN());
}

// log(1 + x) for every x > -1, with Goldberg's correction for what rounding 1 + x loses.
inline float log1pAny(float x) {
  const float y = 1.0f + x;
  const float u = y - 1.0f;
  const float l = logAny(y);
  return u == 0.0f ? x : (x == std::numeric_limits<float>::infinity() ? x : l * (x / u));
}

}  // namespace vaekit
