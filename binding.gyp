{
  "targets": [
    {
      "target_name": "tsrun_native",
      "sources": [
        "addon/binding.cc",
        "addon/console.cc",
        "addon/spawn.cc",
        "addon/process.cc",
        "addon/seccomp.cc",
        "addon/bpf.cc",
        "addon/unixfd.cc",
        "addon/netdev.cc",
        "addon/files.cc",
        "addon/source.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "libraries": ["-ldl"]
    },
    {
      "target_name": "tsrun-init",
      "type": "executable",
      "sources": ["<!@(ls -1 addon/init/*.cc)"],
      "cflags_cc": ["-std=c++17", "-Os", "-Wall", "-Wextra", "-fno-exceptions", "-fno-rtti"],
      "ldflags": ["-static"]
    }
  ]
}
