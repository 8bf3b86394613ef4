#include "actors/cluster/catalog_actor.hpp"

#include <caf/all.hpp>

#include "actors/cluster/catalog_store.hpp"
#include "messages/errors.hpp"
#include "runtime/db/reconnecting.hpp"
#include "runtime/log.hpp"

namespace lunch {

namespace {

struct catalog_state {
  db::reconnecting_connection db;
  static inline const char* name = "lunch.catalog";
};

using self_ptr = catalog_actor::stateful_pointer<catalog_state>;

catalog_actor::behavior_type catalog_behavior(self_ptr self, std::string dsn) {
  // Membership must never hang on a stuck catalog: 2 s per statement.
  self->state.db = db::reconnecting_connection{std::move(dsn), 2000, "catalog",
                                               "catalog: "};
  return {
    [=](cat_reg_atom, const node_info& me) {
      return self->state.db.run<cluster_view>([&](auto& tx) {
        catalog::register_node(tx, me);
        return catalog::read_view(tx);
      });
    },
    [=](cat_beat_atom, const node_info& me) {
      return self->state.db.run<cluster_view>([&](auto& tx) {
        catalog::heartbeat(tx, me);
        return catalog::read_view(tx);
      });
    },
    [=](cat_assign_atom, const std::vector<node_info>& live,
        const std::vector<node_info>& dead) {
      return self->state.db.run<cluster_view>([&](auto& tx) {
        return catalog::assign_orphans(tx, live.front().name, live, dead);
      });
    },
    [=](cat_handoff_atom, int32_t shard, int64_t epoch, const node_info& from,
        const node_info& to) {
      return self->state.db.run<cluster_view>([&](auto& tx) {
        catalog::hand_off(tx, shard, epoch, from, to);
        return catalog::read_view(tx);
      });
    },
    [=](cat_state_atom, const node_info& me) {
      return self->state.db.run<cluster_view>([&](auto& tx) {
        catalog::set_state(tx, me);
        return catalog::read_view(tx);
      });
    },
    [=](cat_events_atom, int32_t limit) {
      return self->state.db.run<std::vector<cluster_event>>(
        [&](auto& tx) { return catalog::events(tx, limit); });
    },
  };
}

} // namespace

catalog_actor spawn_catalog_actor(caf::local_actor* parent, std::string dsn) {
  return parent->spawn<caf::detached>(catalog_behavior, std::move(dsn));
}

} // namespace lunch
