#include "slab_cache.h"
#include <cstdlib>

namespace iolib {

// The most recently cached slab (its pages the likeliest still mapped and warm), or a new one.
char* SlabCache::Pop() {
  if (free_.empty()) return static_cast<char*>(malloc(kSlabSize));
  char* slab = free_.back();
  free_.pop_back();
  if (free_.size() < lowWater_) lowWater_ = free_.size();
  return slab;
}

char* SlabCache::Take() {
  char* slab = Pop();
  if (slab != nullptr) refs_++;
  return slab;
}

void SlabCache::Give(char* slab) {
  if (detached_) {
    free(slab);
  } else {
    free_.push_back(slab);
    StartTrimming();
  }
  Release();
}

napi_value SlabCache::NewPool(napi_env env, char** data) {
  char* slab = Pop();
  if (slab == nullptr) {
    napi_throw_error(env, "ENOMEM", "no memory for a read pool");
    return nullptr;
  }
  napi_value buffer;
  // V8 collects young ArrayBuffers cheaply (a scavenge) when, allocating a backing store
  // itself, it finds more than two semispaces of young ones (Heap::AllocateExternalBackingStore).
  // An external slab never asks, so pools piled up until external-memory pressure forced full
  // mark-compacts instead: 73 of them over 4 GiB read, against 1 with this question asked.
  // One byte allocated by V8 asks it for each pool.
  void* asked;
  if (napi_create_buffer(env, 1, &asked, &buffer) != napi_ok) {
    free_.push_back(slab);
    return nullptr;
  }
  if (napi_create_external_buffer(env, kSlabSize, slab, Return, this, &buffer) == napi_ok) {
    refs_++;
    *data = slab;
    return buffer;
  }
  // A runtime that allows no external buffers (V8's sandbox): a plain Buffer, not recycled.
  free_.push_back(slab);
  void* plain;
  if (napi_create_buffer(env, kSlabSize, &plain, &buffer) != napi_ok) return nullptr;
  *data = static_cast<char*>(plain);
  return buffer;
}

// The Buffer over `data` was collected: its slab is free again.
void SlabCache::Return(napi_env, void* data, void* hint) {
  static_cast<SlabCache*>(hint)->Give(static_cast<char*>(data));
}

void SlabCache::StartTrimming() {
  if (timer_ == nullptr) {
    timer_ = static_cast<uv_timer_t*>(malloc(sizeof(uv_timer_t)));
    if (timer_ == nullptr) return;  // no trimming: slabs stay cached, as they would in malloc
    uv_timer_init(loop_, timer_);
    timer_->data = this;
    uv_unref(reinterpret_cast<uv_handle_t*>(timer_));
  }
  if (!uv_is_active(reinterpret_cast<uv_handle_t*>(timer_))) {
    lowWater_ = free_.size();
    uv_timer_start(timer_, OnTrim, trimMs_, trimMs_);
  }
}

void SlabCache::SetTrimInterval(uint64_t ms) {
  trimMs_ = ms;
  if (timer_ != nullptr && uv_is_active(reinterpret_cast<uv_handle_t*>(timer_))) {
    lowWater_ = free_.size();
    uv_timer_start(timer_, OnTrim, trimMs_, trimMs_);
  }
}

// Frees the slabs no pool needed during the whole interval, oldest first.
void SlabCache::OnTrim(uv_timer_t* timer) {
  auto* cache = static_cast<SlabCache*>(timer->data);
  std::vector<char*>& slabs = cache->free_;
  size_t idle = cache->lowWater_ < slabs.size() ? cache->lowWater_ : slabs.size();
  for (size_t i = 0; i < idle; i++) free(slabs[i]);
  slabs.erase(slabs.begin(), slabs.begin() + static_cast<std::ptrdiff_t>(idle));
  cache->lowWater_ = slabs.size();
  if (slabs.empty()) uv_timer_stop(timer);
}

void SlabCache::Detach() {
  detached_ = true;
  for (char* slab : free_) free(slab);
  free_.clear();
  // libc's free as the close callback: a worker's teardown may unload this addon before it runs.
  if (timer_ != nullptr) uv_close(reinterpret_cast<uv_handle_t*>(timer_), reinterpret_cast<uv_close_cb>(free));
  timer_ = nullptr;
  Release();
}

void SlabCache::Release() {
  if (--refs_ == 0) delete this;
}

}  // namespace iolib
