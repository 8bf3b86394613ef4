#include "actors/node/gateway_debug.hpp"

#include <caf/all.hpp>

#include "actors/node/routing.hpp"
#include "runtime/fault_injector.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

namespace {

caf::error fault_injection_off(gateway_self self) {
  return make_error(errc::forbidden,
                    "fault injection is off on node "
                      + self->state.settings.node
                      + ": set \"debug\": {\"fault_injection\": true} in its "
                        "config");
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Entities live where their shard is served (maybe on a peer); the
// region there makes the entity throw. False if nobody serves the shard.
template <class Key>
bool crash_entity(gateway_self self, int32_t shard, Key key) {
  auto target = target_of(self, shard);
  if (!target)
    return false;
  self->send(target, dbg_crash_atom::value, key);
  return true;
}

} // namespace

caf::result<std::string> debug_crash(gateway_self self, const std::string& path,
                                     bool every_message) {
  auto& st = self->state;
  if (!st.settings.faults)
    return fault_injection_off(self);
  if (path == "node")
    return make_error(errc::invalid_argument,
                      "node is the root: stop the node instead");
  // Check the path before anything is crashed or armed.
  bool user = starts_with(path, "user/");
  bool party = starts_with(path, "party/");
  int64_t party_number = 0;
  if (user && path.size() == 5)
    return make_error(errc::invalid_argument, path + ": the id is missing");
  if (party) {
    try {
      size_t used = 0;
      party_number = std::stoll(path.substr(6), &used);
      if (used != path.size() - 6)
        throw std::invalid_argument(path);
    } catch (const std::exception&) {
      return make_error(errc::invalid_argument,
                        path + ": a party id is a number");
    }
  }
  auto target = st.settings.directory->get(path);
  if (!user && !party && path != node_directory::gateway_name && !target)
    return make_error(errc::not_found, "no live actor named " + path
                                         + " on node " + st.settings.node
                                         + " (see lunchctl debug tree)");
  if (every_message) {
    if (!user && !party && !starts_with(path, "shard/")
        && !starts_with(path, "events/"))
      return make_error(errc::invalid_argument,
                        "--every-message works for shard/N, events/N, "
                        "user/ID and party/ID, not "
                          + path);
    // The actor checks on each message it handles; no need to wake it.
    st.settings.faults->arm(path);
  } else if (user || party) {
    auto shard = user ? st.slots.shard_of_key(path.substr(5))
                      : st.slots.shard_of_party(party_number);
    bool sent = user ? crash_entity(self, shard, user_key{path.substr(5)})
                     : crash_entity(self, shard, party_id{party_number});
    if (!sent)
      return make_error(errc::unavailable, "shard " + std::to_string(shard)
                                             + " has no serving owner now");
  } else if (path == node_directory::gateway_name) {
    // Answer first, then throw: the supervisor restarts and republishes.
    caf::anon_send(caf::actor_cast<router_actor>(self), dbg_crash_atom::value);
  } else {
    caf::anon_send(target, dbg_crash_atom::value);
  }
  log::warn("debug.crash",
            {{"actor", path}, {"every_message", every_message ? "yes" : "no"}});
  if (every_message && starts_with(path, "events/"))
    return path + " now holds its deliveries";
  return every_message ? path + " now throws on every message"
                       : path + " was made to throw";
}

caf::result<bool> debug_heal(gateway_self self, const std::string& path) {
  if (!self->state.settings.faults)
    return fault_injection_off(self);
  log::info("debug.heal", {{"actor", path}});
  return self->state.settings.faults->disarm(path);
}

caf::result<std::vector<tree_line>> debug_tree(gateway_self self) {
  auto& st = self->state;
  if (!st.settings.faults)
    return fault_injection_off(self);
  auto root = st.settings.directory->root();
  if (!root)
    return make_error(errc::unavailable, "the node is stopping");
  auto rp = self->make_response_promise<std::vector<tree_line>>();
  self->request(root, st.settings.timeout, sup_tree_atom::value)
    .then([=](std::vector<tree_line>& lines) mutable { rp.deliver(lines); },
          [=](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

} // namespace lunch
