#include "iolib.h"

namespace iolib {

void InitInterfaces(Napi::Env env, Napi::Object exports) {}

}  // namespace iolib
