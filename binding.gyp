{
  "targets": [
    {
      "target_name": "iolib",
      "sources": [
        "native/module.cc",
        "native/errno.cc",
        "native/sockaddr.cc",
        "native/js_values.cc",
        "native/fd_handle.cc",
        "native/fd_io.cc",
        "native/send_ring.cc",
        "native/close_queue.cc",
        "native/slab_cache.cc",
        "native/fd_calls.cc",
        "native/message.cc",
        "native/constants.cc",
        "native/resolver.cc",
        "native/databases.cc",
        "native/interfaces.cc",
        "native/readiness.cc"
      ],
      "actions": [
        {
          "action_name": "errno_names",
          "inputs": ["native/errno_names.mjs"],
          "outputs": ["<(INTERMEDIATE_DIR)/errno_names.h"],
          "action": ["node", "native/errno_names.mjs", "<(INTERMEDIATE_DIR)/errno_names.h"]
        }
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "<(INTERMEDIATE_DIR)"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers"],
      "cflags_cc!": ["-fno-exceptions"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      }
    }
  ]
}
