#pragma once

// The shard leases this node holds, by epoch. The cluster actor grants a
// lease before it starts the shard and revokes it when the shard leaves;
// the shard owner reads its epoch each time it starts (a restart after a
// crash keeps fencing with the same epoch). Shared by the actors of one
// process, guarded by a mutex.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace lunch {

class lease_table {
public:
  void grant(int32_t shard, int64_t epoch) {
    std::lock_guard<std::mutex> guard{mtx_};
    epochs_[shard] = epoch;
  }

  void revoke(int32_t shard) {
    std::lock_guard<std::mutex> guard{mtx_};
    epochs_.erase(shard);
  }

  std::optional<int64_t> epoch(int32_t shard) const {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = epochs_.find(shard);
    if (i == epochs_.end())
      return std::nullopt;
    return i->second;
  }

  /// The shards held here, in order.
  std::vector<int32_t> shards() const {
    std::lock_guard<std::mutex> guard{mtx_};
    std::vector<int32_t> out;
    for (auto& kv : epochs_)
      out.push_back(kv.first);
    return out;
  }

private:
  mutable std::mutex mtx_;
  std::map<int32_t, int64_t> epochs_;
};

} // namespace lunch
