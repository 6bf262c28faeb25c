// Synchronous reads from a GPU in Node. tfjs reads tensors synchronously (dataSync), and Dawn's WebGPU
// delivers a buffer's contents only through mapAsync, whose completion Dawn's node binding reports from
// libuv's loop. runLoopUntil(done) turns that loop (one pass at a time, waiting for the next event) until
// done() returns true: the JavaScript on the stack waits, while timers and I/O callbacks may run meanwhile.
#include <node_api.h>

#include "event_loop.h"

// libuv's entry point, exported by the node binary; declared here so that the build needs only Node-API's
// headers. 1 is UV_RUN_ONCE (uv.h): one pass, blocking until an event arrives.
extern "C" int uv_run(struct uv_loop_s* loop, int mode);

namespace {

napi_value RunLoopUntil(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value done;
  if (napi_get_cb_info(env, info, &argc, &done, nullptr, nullptr) != napi_ok || argc < 1) {
    napi_throw_type_error(env, nullptr, "runLoopUntil(done): done must be a function");
    return nullptr;
  }
  struct uv_loop_s* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
    napi_throw_error(env, nullptr, "runLoopUntil: no event loop");
    return nullptr;
  }
  napi_value global;
  napi_get_global(env, &global);
  for (;;) {
    napi_value result;
    if (napi_call_function(env, global, done, 0, nullptr, &result) != napi_ok) return nullptr;  // done() threw
    bool finished = false;
    napi_get_value_bool(env, result, &finished);
    if (finished) return nullptr;
    // An empty loop (nothing pending) returns 0 at once: done() can no longer change, so stop waiting.
    if (uv_run(loop, 1) == 0) {
      napi_call_function(env, global, done, 0, nullptr, &result);
      napi_get_value_bool(env, result, &finished);
      if (!finished) napi_throw_error(env, nullptr, "runLoopUntil: the event loop emptied before done() held");
      return nullptr;
    }
  }
}

}  // namespace

namespace vaekit {

void defineEventLoop(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "runLoopUntil", NAPI_AUTO_LENGTH, RunLoopUntil, nullptr, &fn);
  napi_set_named_property(env, exports, "runLoopUntil", fn);
}

}  // namespace vaekit
