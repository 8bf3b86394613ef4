#pragma once

// Fault injection, for tests and operators; only present when the node
// config says "debug": {"fault_injection": true}. A name armed here makes
// the actor of that name ("shard/2", "user/E001", "party/17") throw on
// every message it handles, which survives its restarts: a crash loop.
// Actors check `should_crash(name)`; when nothing is armed that is one
// relaxed atomic load.

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

namespace lunch {

class fault_injector {
public:
  void arm(const std::string& name) {
    std::lock_guard<std::mutex> guard{mtx_};
    armed_.insert(name);
    count_.store(armed_.size(), std::memory_order_relaxed);
  }

  /// Returns whether `name` was armed.
  bool disarm(const std::string& name) {
    std::lock_guard<std::mutex> guard{mtx_};
    bool was = armed_.erase(name) > 0;
    count_.store(armed_.size(), std::memory_order_relaxed);
    return was;
  }

  bool should_crash(const std::string& name) const {
    if (count_.load(std::memory_order_relaxed) == 0)
      return false;
    std::lock_guard<std::mutex> guard{mtx_};
    return armed_.count(name) > 0;
  }

private:
  mutable std::mutex mtx_;
  std::set<std::string> armed_;
  std::atomic<size_t> count_{0};
};

/// The exception an injected fault throws.
struct injected_fault : std::runtime_error {
  explicit injected_fault(const std::string& name)
      : std::runtime_error("injected fault in " + name) {
    // nop
  }
};

} // namespace lunch
