#include "actors/node/gateway_cache.hpp"

#include <algorithm>
#include <string>
#include <unordered_set>

#include "actors/recommend/recommender_actor.hpp"
#include "actors/recommend/refresh_queue.hpp"
#include "messages/errors.hpp"
#include "runtime/gather.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

namespace {

/// A node to ask: this node (no region: its recommender directly) or a
/// peer through one of its regions.
struct cache_node {
  std::string node;
  region_actor region;
};

std::vector<cache_node> cache_nodes(gateway_self self) {
  auto& st = self->state;
  std::vector<cache_node> nodes{{st.settings.node, {}}};
  std::unordered_set<std::string> seen{st.settings.node};
  for (auto& route : st.routes)
    if (route.region && !route.node.empty() && seen.insert(route.node).second)
      nodes.push_back({route.node, route.region});
  return nodes;
}

std::string describe(const caf::error& e) {
  auto text = message_of(e);
  return text.empty() ? to_string(errc_of(e)) : text;
}

/// Asks every node (xs...) and delivers the answers to `rp`, by node name;
/// a node without an answer is a T with only `node` and `error` set.
template <class T, class... Ts>
caf::typed_response_promise<std::vector<T>>
ask_every_node(gateway_self self, Ts... xs) {
  auto rp = self->make_response_promise<std::vector<T>>();
  auto nodes = cache_nodes(self);
  gather_with<T>(
    nodes.size(),
    [=](size_t i, auto ok, auto fail) {
      auto timeout = self->state.settings.timeout;
      if (nodes[i].region) {
        self->request(nodes[i].region, timeout, xs...).then(ok, fail);
      } else if (auto rec = self->state.settings.directory->recommender()) {
        self->request(rec, timeout, xs...).then(ok, fail);
      } else {
        auto err = recommender_restarting();
        fail(err);
      }
    },
    [=](std::vector<answer<T>> answers) mutable {
      std::vector<T> all;
      for (size_t i = 0; i < answers.size(); ++i) {
        T x;
        if (answers[i].value)
          x = std::move(*answers[i].value);
        else
          x.error = describe(answers[i].error);
        x.node = nodes[i].node;
        all.push_back(std::move(x));
      }
      std::sort(all.begin(), all.end(),
                [](const T& a, const T& b) { return a.node < b.node; });
      rp.deliver(std::move(all));
    });
  return rp;
}

} // namespace

caf::result<std::vector<rec_refresh_report>>
refresh_every_cache(gateway_self self, int32_t batch) {
  if (batch < 1 || batch > rec::max_refresh_batch)
    return make_error(errc::invalid_argument,
                      "batch: must be between 1 and "
                        + std::to_string(rec::max_refresh_batch));
  return ask_every_node<rec_refresh_report>(self, rec_refresh_atom::value,
                                            batch);
}

caf::result<std::vector<rec_cache_stats>> every_cache_stats(gateway_self self) {
  return ask_every_node<rec_cache_stats>(self, rec_cache_atom::value);
}

} // namespace lunch
