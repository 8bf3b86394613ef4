#pragma once

// The node's live actors by supervision name ("shard/2", "entities/2",
// "gateway"). Supervisors put a child in when they start it and take it out
// when it stops, so a lookup after a restart finds the new incarnation. A
// name that is missing means "restarting": callers fail fast instead of
// sending into the void. Like CAF's own registry, it is shared by the
// actors of one process and guarded by a mutex.

#include <mutex>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>

namespace lunch {

class actor_directory {
public:
  void put(const std::string& name, caf::actor handle) {
    std::lock_guard<std::mutex> guard{mtx_};
    entries_[name] = std::move(handle);
  }

  /// Removes `name` only if it still refers to `addr` (a newer incarnation
  /// stays).
  void erase(const std::string& name, const caf::actor_addr& addr) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = entries_.find(name);
    if (i != entries_.end() && i->second.address() == addr)
      entries_.erase(i);
  }

  /// The live actor of that name, or an invalid handle.
  caf::actor get(const std::string& name) const {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = entries_.find(name);
    return i == entries_.end() ? caf::actor{} : i->second;
  }

  void clear() {
    std::lock_guard<std::mutex> guard{mtx_};
    entries_.clear();
  }

private:
  mutable std::mutex mtx_;
  std::unordered_map<std::string, caf::actor> entries_;
};

} // namespace lunch
