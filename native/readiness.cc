// poll(2) with a zero timeout: readiness of any fd without waiting.
#include "iolib.h"
#include <cerrno>
#include <poll.h>

namespace iolib {

// pollFd(fd, events) -> revents | -errno
static Napi::Value PollFd(const Napi::CallbackInfo& info) {
  pollfd p = {info[0].As<Napi::Number>().Int32Value(), static_cast<short>(info[1].As<Napi::Number>().Int32Value()), 0};
  int r;
  do r = poll(&p, 1, 0);
  while (r < 0 && errno == EINTR);
  if (r < 0) return Fail(info.Env(), errno);
  return Num(info.Env(), p.revents);
}

void InitReadiness(Napi::Env env, Napi::Object exports) {
  exports.Set("pollFd", Napi::Function::New(env, PollFd, "pollFd"));
}

}  // namespace iolib
