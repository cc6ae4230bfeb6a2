#include "iolib.h"

namespace iolib {

void InitResolver(Napi::Env env, Napi::Object exports) {}

}  // namespace iolib
