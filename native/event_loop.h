#pragma once
#include <node_api.h>

namespace vaekit {
// Adds runLoopUntil(done) to the addon's exports (event_loop.cc).
void defineEventLoop(napi_env env, napi_value exports);
}  // namespace vaekit
