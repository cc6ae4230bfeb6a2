// SlabCache: the memory byte reads land in, recycled.
//
// A read pool handed to JS is freed only when the collector finds every Buffer sliced from it
// dead. Allocated afresh each time, its pages come from the kernel again and again (malloc
// trims and re-faults them): at loopback rates that page-fault cost rivals the copy itself.
// Here a pool is an external Buffer over a slab this cache owns; its finalizer hands the slab
// back, and the next pool reuses it, already mapped. V8 still counts the slab as the Buffer's
// memory, and NewPool lets it scavenge for slabs as for its own backing stores. Slabs that
// sit unused for a whole trim interval (10 s, as jemalloc's dirty-page decay) go back to the
// system, so an idle process keeps none. Send rings (send_ring.cc) borrow slabs from the same
// cache.
#pragma once
#include <napi.h>
#include <uv.h>
#include <cstddef>
#include <vector>

namespace iolib {

class SlabCache {
 public:
  static constexpr size_t kSlabSize = 256 * 1024;
  static constexpr uint64_t kTrimIntervalMs = 10000;

  SlabCache(uv_loop_t* loop, uint64_t trimMs) : loop_(loop), trimMs_(trimMs) {}
  SlabCache(const SlabCache&) = delete;
  SlabCache& operator=(const SlabCache&) = delete;

  // A Buffer over one slab (nullptr with a JS exception pending when out of memory).
  napi_value NewPool(napi_env env, char** data);
  // A slab for native use (send rings), or nullptr when out of memory; each goes back with Give,
  // on the loop's thread, which may come after Detach.
  char* Take();
  void Give(char* slab);
  // The environment is going away: free idle slabs, stop the timer; slabs still held by
  // Buffers are freed as they come back. Deletes the cache once nothing refers to it.
  void Detach();
  // How long a slab may sit idle before it is freed (restarts a running trim timer).
  void SetTrimInterval(uint64_t ms);
  // Slabs cached idle, and slabs held by live Buffers.
  size_t Idle() const { return free_.size(); }
  size_t Held() const { return refs_ - 1; }

 private:
  static void Return(napi_env env, void* data, void* hint);
  char* Pop();
  static void OnTrim(uv_timer_t* timer);
  void Release();
  void StartTrimming();

  uv_loop_t* loop_;
  uint64_t trimMs_;
  std::vector<char*> free_;
  size_t lowWater_ = 0;     // fewest idle slabs since the last trim: that many went unused
  size_t refs_ = 1;         // the environment, plus one per slab handed out
  bool detached_ = false;
  uv_timer_t* timer_ = nullptr;
};

}  // namespace iolib
