#pragma once
#include <cstdint>

namespace tsrun {
void print_protocol();                        // `tsrun-init --protocol`
const char* hook_point_name(uint64_t point);  // for step names: "createRuntime hooks"
}  // namespace tsrun
