#include "iolib.h"

namespace iolib {

void InitDatabases(Napi::Env env, Napi::Object exports) {}

}  // namespace iolib
