// Intrusive reference counting for payloads that template values share.
#pragma once

#include <atomic>
#include <cstdint>

namespace tocsin::tmpl {

// Base of every heap payload a Value can share: string bytes, containers, time zones. The count
// is atomic because parsed templates (and the literals in them) are shared between threads.
class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;
  void AddRef() const { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Release() const {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 protected:
  virtual ~RefCounted() = default;

 private:
  mutable std::atomic<int32_t> refs_{0};
};

// An owning pointer to a RefCounted object.
template <typename T>
class Ref {
 public:
  Ref() = default;
  explicit Ref(const T* p) : p_(p) {
    if (p_) p_->AddRef();
  }
  Ref(const Ref& o) : Ref(o.p_) {}
  Ref(Ref&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  Ref& operator=(Ref o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~Ref() {
    if (p_) p_->Release();
  }
  const T* get() const { return p_; }
  const T* operator->() const { return p_; }
  const T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  const T* p_ = nullptr;
};

}  // namespace tocsin::tmpl
