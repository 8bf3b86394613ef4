#pragma once

// The gateway's side of the recommendation caches (lunchctl cache ...): one
// refresh batch on every node, and every node's cache figures. This node's
// recommender is asked directly; every other node serving shards through
// one of its regions (as spread_changes reaches it), which hands the request
// to that node's recommender. A node that does not answer within the
// request timeout (or whose recommender restarts) is listed with `error`
// set and zero figures. The lists are sorted by node name.

#include <cstdint>
#include <vector>

#include <caf/all.hpp>

#include "actors/node/gateway_state.hpp"

namespace lunch {

/// One refresh batch of `batch` keys (1..100000) on every node.
caf::result<std::vector<rec_refresh_report>>
refresh_every_cache(gateway_self self, int32_t batch);

/// Every node's cache figures.
caf::result<std::vector<rec_cache_stats>> every_cache_stats(gateway_self self);

} // namespace lunch
