// A bundle's source as an external string. Node's readFileSync(file, 'utf8') reads the file
// into a buffer, decodes it and copies it into V8's heap (~0.5 ms for the create bundle's
// 240 KB); with a code cache V8 hardly reads the source at all (it hashes it, and parses the
// few functions the cache does not hold). Here the bytes are read once into memory of our own,
// which the string keeps for as long as V8 does. The bundles are ASCII (scripts/bundle.mjs),
// so latin1 and UTF-8 agree; a file that is not still gets a correct, decoded copy.
// node_api_create_external_string_latin1 is N-API "experimental" in Node 20 (there since 20.4),
// hence NAPI_EXPERIMENTAL in this file alone: binding.cc registers the module without it, so
// the addon's N-API version is unchanged.
#define NAPI_EXPERIMENTAL
#define NODE_API_EXPERIMENTAL_NOGC_ENV_OPT_OUT
#include "source.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include "files.h"

namespace tsrun {

namespace {

bool ascii(const uint8_t* data, size_t len) {
  uint8_t any = 0;
  for (size_t i = 0; i < len; i++) any |= data[i];
  return (any & 0x80) == 0;
}

}  // namespace

napi_status readSourceString(napi_env env, const char* path, napi_value* result, int* err, const char** syscall) {
  uint8_t* data = nullptr;
  size_t got = 0;
  int rc = readWholeFile(
      path, [&](size_t size) { return data = static_cast<uint8_t*>(malloc(size ? size : 1)); }, &got, syscall);
  if (rc < 0 || !data) {
    free(data);
    *err = rc < 0 ? -rc : ENOMEM;
    if (rc >= 0) *syscall = "malloc";
    return napi_generic_failure;
  }
  char* chars = reinterpret_cast<char*>(data);
  if (!ascii(data, got)) {
    napi_status status = napi_create_string_utf8(env, chars, got, result);
    free(data);
    return status;
  }
  bool copied = false;
  napi_status status = node_api_create_external_string_latin1(
      env, chars, got, [](napi_env, void* bytes, void*) { free(bytes); }, nullptr, result, &copied);
  // When N-API copies the bytes instead (a string too short to keep outside V8's heap), it has
  // already called the finalizer.
  if (status != napi_ok && !copied) free(data);
  return status;
}

}  // namespace tsrun
