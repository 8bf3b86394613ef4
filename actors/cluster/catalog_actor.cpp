#include "actors/cluster/catalog_actor.hpp"

#include <memory>

#include <caf/all.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "actors/cluster/catalog_store.hpp"
#include "messages/errors.hpp"
#include "runtime/db/reconnecting.hpp"
#include "runtime/log.hpp"

namespace lunch {

namespace {

struct catalog_state {
  std::string dsn;
  std::unique_ptr<pqxx::connection> conn;
  static inline const char* name = "lunch.catalog";
};

using self_ptr = catalog_actor::stateful_pointer<catalog_state>;

// Membership must never hang on a stuck catalog: 2 s per statement.
template <class T, class F>
caf::result<T> run(self_ptr self, F fn) {
  auto& st = self->state;
  return db::run_reconnecting<T>(st.conn, st.dsn, 2000, "catalog",
                                 "catalog: ", fn);
}

catalog_actor::behavior_type catalog_behavior(self_ptr self, std::string dsn) {
  self->state.dsn = std::move(dsn);
  return {
    [=](cat_reg_atom, const node_info& me) {
      return run<cluster_view>(self, [&](auto& tx) {
        catalog::register_node(tx, me);
        return catalog::read_view(tx);
      });
    },
    [=](cat_beat_atom, const node_info& me) {
      return run<cluster_view>(self, [&](auto& tx) {
        catalog::heartbeat(tx, me);
        return catalog::read_view(tx);
      });
    },
    [=](cat_assign_atom, const std::vector<node_info>& live,
        const std::vector<node_info>& dead) {
      return run<cluster_view>(self, [&](auto& tx) {
        catalog::assign_orphans(tx, live.front().name, live, dead);
        return catalog::read_view(tx);
      });
    },
    [=](cat_handoff_atom, int32_t shard, int64_t epoch, const node_info& from,
        const node_info& to) {
      return run<cluster_view>(self, [&](auto& tx) {
        catalog::hand_off(tx, shard, epoch, from, to);
        return catalog::read_view(tx);
      });
    },
    [=](cat_state_atom, const node_info& me) {
      return run<cluster_view>(self, [&](auto& tx) {
        catalog::set_state(tx, me);
        return catalog::read_view(tx);
      });
    },
    [=](cat_events_atom, int32_t limit) {
      return run<std::vector<cluster_event>>(self, [&](auto& tx) {
        return catalog::events(tx, limit);
      });
    },
  };
}

} // namespace

catalog_actor spawn_catalog_actor(caf::local_actor* parent, std::string dsn) {
  return parent->spawn<caf::detached>(catalog_behavior, std::move(dsn));
}

} // namespace lunch
