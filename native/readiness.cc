// poll(2) with a zero timeout: readiness of any fd without waiting.
#include "iolib.h"
#include <cerrno>
#include <poll.h>

namespace iolib {

int PollNow(int fd, short events) {
  pollfd p = {fd, events, 0};
  int r;
  do r = poll(&p, 1, 0);
  while (r < 0 && errno == EINTR);
  return r < 0 ? -errno : p.revents;
}

// pollFd(fd, events) -> revents | -errno
static Napi::Value PollFd(const Napi::CallbackInfo& info) {
  int r = PollNow(info[0].As<Napi::Number>().Int32Value(), static_cast<short>(info[1].As<Napi::Number>().Int32Value()));
  return r < 0 ? Fail(info.Env(), -r) : Num(info.Env(), r);
}

void InitReadiness(Napi::Env env, Napi::Object exports) {
  exports.Set("pollFd", Napi::Function::New(env, PollFd, "pollFd"));
}

}  // namespace iolib
