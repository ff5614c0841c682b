// The loader's bundles as V8 external strings: see source.cc.
#pragma once
#include <node_api.h>

namespace tsrun {

// Reads the file at path into memory of its own and makes a JavaScript string of it that V8 uses
// in place (node_api_create_external_string_latin1) when every byte is ASCII, else a copy
// decoded as UTF-8. napi_ok, or napi_generic_failure with *err (errno) and *syscall set when
// the file cannot be read; any other status is N-API's own.
napi_status readSourceString(napi_env env, const char* path, napi_value* result, int* err, const char** syscall);

}  // namespace tsrun
