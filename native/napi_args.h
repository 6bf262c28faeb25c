// The argument reader shared by the Node-API bindings (bindings.cc, backend_bindings.cc): every array argument
// is a typed array, every size a number, checked against the arrays' lengths so that a wrong call throws a
// TypeError instead of reading past memory.
#pragma once
#include <node_api.h>

#include <cstdint>
#include <string>

namespace vaekit {

struct Args {
  napi_env env;
  napi_value argv[16];
  size_t argc = 16;
  bool failed = false;

  Args(napi_env e, napi_callback_info info, size_t expected) : env(e) {
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    if (argc < expected) fail("expected " + std::to_string(expected) + " arguments");
  }

  void fail(const std::string& message) {
    if (!failed) napi_throw_type_error(env, nullptr, ("vaekit native: " + message).c_str());
    failed = true;
  }

  // The data of argument i if it is a typed array of `want`, with its element count; null otherwise.
  void* typedArray(size_t i, napi_typedarray_type want, size_t& length) {
    bool isTyped = false;
    napi_is_typedarray(env, argv[i], &isTyped);
    napi_typedarray_type kind;
    void* data = nullptr;
    length = 0;
    if (isTyped) napi_get_typedarray_info(env, argv[i], &kind, &length, &data, nullptr, nullptr);
    return isTyped && kind == want ? data : nullptr;
  }

  // A Float32Array of at least `need` elements (or null where `optional`).
  float* floats(size_t i, int64_t need, bool optional = false) {
    if (failed) return nullptr;
    napi_valuetype type;
    napi_typeof(env, argv[i], &type);
    if (optional && type == napi_null) return nullptr;
    size_t length = 0;
    void* data = typedArray(i, napi_float32_array, length);
    if (!data) {
      fail("argument " + std::to_string(i) + " must be a Float32Array");
      return nullptr;
    }
    if (int64_t(length) < need) {
      fail("argument " + std::to_string(i) + " has " + std::to_string(length) + " elements, needs " + std::to_string(need));
      return nullptr;
    }
    return static_cast<float*>(data);
  }

  // An Int32Array of exactly `need` elements: packed shapes and attributes.
  const int32_t* ints(size_t i, int64_t need) {
    if (failed) return nullptr;
    size_t length = 0;
    void* data = typedArray(i, napi_int32_array, length);
    if (!data || int64_t(length) != need) {
      fail("argument " + std::to_string(i) + " must be an Int32Array of " + std::to_string(need));
      return nullptr;
    }
    return static_cast<const int32_t*>(data);
  }

  // The length of the Int32Array argument i (-1 if it is not one).
  int64_t intsLength(size_t i) {
    size_t length = 0;
    return typedArray(i, napi_int32_array, length) ? int64_t(length) : -1;
  }

  // A generator state: a Uint32Array of exactly 4.
  uint32_t* generatorState(size_t i) {
    if (failed) return nullptr;
    size_t length = 0;
    void* data = typedArray(i, napi_uint32_array, length);
    if (!data || length != 4) {
      fail("argument " + std::to_string(i) + " must be a Uint32Array of 4 (generator state)");
      return nullptr;
    }
    return static_cast<uint32_t*>(data);
  }

  double number(size_t i) {
    double v = 0;
    if (!failed && napi_get_value_double(env, argv[i], &v) != napi_ok) fail("argument " + std::to_string(i) + " must be a number");
    return v;
  }

  int count(size_t i) {
    const double v = number(i);
    if (!failed && (v < 0 || v > 2147483647.0 || v != double(int64_t(v)))) fail("argument " + std::to_string(i) + " must be a non-negative integer");
    return int(v);
  }

  bool flag(size_t i) {
    bool v = false;
    if (!failed && napi_get_value_bool(env, argv[i], &v) != napi_ok) fail("argument " + std::to_string(i) + " must be a boolean");
    return v;
  }
};

}  // namespace vaekit
