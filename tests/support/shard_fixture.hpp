#pragma once

// One shard on CAF's deterministic test coordinator: its owner over an
// in-memory database, its entity region, and clients whose answers the
// test reads after sched.run(). Nothing runs until the test says so.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <caf/all.hpp>

#include "actors/cluster/lease_table.hpp"
#include "actors/region/region_actor.hpp"
#include "actors/shard/shard_owner_actor.hpp"
#include "messages/errors.hpp"
#include "runtime/fault_injector.hpp"
#include "runtime/node_directory.hpp"
#include "tests/support/deterministic_system.hpp"
#include "tests/support/memory_store.hpp"

namespace lunch::testing {

/// The answer to one request, once it came.
template <class T>
struct answer {
  bool answered = false;
  std::optional<T> value;
  caf::error error;

  errc code() const {
    return value ? errc::none : errc_of(error);
  }
};

template <class T>
using answer_ptr = std::shared_ptr<answer<T>>;

struct shard_fixture : deterministic_system {
  static constexpr std::chrono::milliseconds passivate_after{1000};

  std::shared_ptr<memory_db> db = std::make_shared<memory_db>();
  std::shared_ptr<lease_table> leases = std::make_shared<lease_table>();
  std::shared_ptr<node_directory> directory
    = std::make_shared<node_directory>();
  std::shared_ptr<fault_injector> faults = std::make_shared<fault_injector>();
  caf::scoped_actor self{sys}; // the parent of what the test starts
  shard_owner_actor owner;
  region_actor region;
  caf::actor gateway; // a test's stand-in, if it set one (use_gateway)

  shard_fixture() {
    leases->grant(0, 1);
  }

  ~shard_fixture() {
    // The stand-in first: stop_shard runs the scheduler that ends it.
    if (gateway)
      caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    stop_shard();
  }

  /// Makes `stand_in` the node's gateway, as the entities and the region
  /// find it in the directory; it is stopped with the fixture.
  void use_gateway(caf::actor stand_in) {
    gateway = std::move(stand_in);
    directory->put(node_directory::gateway_name, gateway);
  }

  /// Starts the owner (it fences the shard with this node's epoch) and
  /// the region, as the shard supervisor does.
  void start_shard() {
    shard_owner_settings s{0,         "memory", "node-a", leases,
                           directory, faults,   nullptr};
    owner = spawn_shard_owner(self.ptr(), s, memory_store_factory(db), false);
    start_region();
  }

  /// Starts the region over `owner` (the real one, or a test's stand-in).
  void start_region() {
    region_settings r;
    r.shard = 0;
    r.shard_count = 1;
    r.timeout = std::chrono::seconds{10};
    r.passivate_after = passivate_after;
    r.entity_intensity = {10, supervision::millis{5000}};
    r.directory = directory;
    r.faults = faults;
    region = spawn_region(self.ptr(), r, owner);
    sched.run();
  }

  /// Stops both, as the shard supervisor does before a restart.
  void stop_shard() {
    if (region)
      caf::anon_send_exit(region, caf::exit_reason::user_shutdown);
    if (owner)
      caf::anon_send_exit(owner, caf::exit_reason::user_shutdown);
    sched.run();
    region = nullptr;
    owner = nullptr;
  }

  /// Sends a request from a client of its own; the answer shows once the
  /// test runs the scheduler.
  template <class T, class Handle, class... Ts>
  answer_ptr<T> request(Handle dest, Ts... xs) {
    auto result = std::make_shared<answer<T>>();
    sys.spawn([=](caf::event_based_actor* client) {
      client->request(dest, std::chrono::seconds{10}, xs...)
        .then(
          [=](T& x) {
            result->answered = true;
            result->value = std::move(x);
          },
          [=](caf::error& e) {
            result->answered = true;
            result->error = std::move(e);
          });
    });
    return result;
  }

  /// Sends a request and runs until everything is quiet.
  template <class T, class Handle, class... Ts>
  answer<T> ask(Handle dest, Ts... xs) {
    auto result = request<T>(dest, xs...);
    sched.run();
    return *result;
  }

  /// A flag that turns true when the actor terminates.
  template <class Handle>
  static std::shared_ptr<bool> watch(const Handle& h) {
    auto down = std::make_shared<bool>(false);
    caf::actor_cast<caf::abstract_actor*>(h)->attach_functor(
      [down] { *down = true; });
    return down;
  }

  // -- rows of the shard database ----------------------------------------

  void add_user(const std::string& id) {
    user_profile p;
    p.employee_id = id;
    p.nickname = "nick-" + id;
    p.created_at = "2026-01-01T00:00:00Z";
    db->committed.users[id] = p;
  }

  /// A new party of `host` with room for `max_members` (no id yet).
  static party_record draft_party(const std::string& host,
                                  int32_t max_members) {
    party_record p;
    p.host_employee_id = host;
    p.title = "lunch";
    p.party_date = "2026-12-01";
    p.party_time = "12:00";
    p.max_members = max_members;
    p.member_ids = {host};
    return p;
  }

  /// A party of `host` with room for `max_members`, in the database.
  party_id add_party(const std::string& host, int32_t max_members) {
    auto p = draft_party(host, max_members);
    p.id = db->next_id++;
    db->committed.parties[p.id] = p;
    return party_id{p.id};
  }

  std::vector<std::string> members_of(party_id party) const {
    auto i = db->committed.parties.find(party.value);
    return i == db->committed.parties.end() ? std::vector<std::string>{}
                                            : i->second.member_ids;
  }

  region_status status() {
    return *ask<region_status>(region, nod_status_atom::value).value;
  }
};

} // namespace lunch::testing
