#include "actors/events/event_relay.hpp"

#include <algorithm>
#include <map>

#include <caf/all.hpp>

#include "actors/events/delivery_queue.hpp"
#include "actors/events/events.hpp"
#include "messages/errors.hpp"
#include "messages/shard_protocol.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/fault_injector.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

namespace {

// Private: the relay's own timer. Never leaves this file.
using evt_tick_atom = caf::atom_constant<caf::atom("evt_tick")>;

using relay_impl = event_relay_actor::extend<caf::reacts_to<evt_tick_atom>>;

using clock = events::delivery_queue::clock;

// Events read per request, and how many may wait undelivered in memory
// (a stuck subscriber stops the reading, not the others' deliveries).
constexpr int32_t page = 256;
constexpr size_t max_waiting = 20000;
// Deliveries in flight per subscriber.
constexpr size_t window = 64;

struct relay_state {
  event_relay_settings cfg;
  std::string path;
  shard_owner_actor owner;
  std::map<std::string, events::delivery_queue> queues;
  std::map<std::string, int64_t> saved; // cursors as stored
  std::map<int64_t, domain_event> events;
  std::map<int64_t, int32_t> attempts; // by event id, across subscribers
  int64_t read_upto = 0;
  bool started = false;
  bool starting = false;
  bool loading = false;
  bool load_again = false;
  bool saving = false;
  static inline const char* name = "lunch.event_relay";
};

using self_ptr = relay_impl::stateful_pointer<relay_state>;

router_actor gateway_of(self_ptr self) {
  return self->state.cfg.directory->gateway();
}

bool held(self_ptr self) {
  auto& st = self->state;
  return st.cfg.faults && st.cfg.faults->should_crash(st.path);
}

caf::timespan backoff(int32_t attempt) {
  auto ms = std::min<int64_t>(5000, int64_t{100} << std::min(attempt, 6));
  return std::chrono::milliseconds(ms);
}

void pump(self_ptr self);

void finish(self_ptr self, const std::string& subscriber, int64_t id, bool ok) {
  auto& st = self->state;
  auto& q = st.queues.at(subscriber);
  if (ok) {
    q.ack(id);
  } else {
    auto attempt = ++st.attempts[id];
    q.fail(id, clock::now() + backoff(attempt));
  }
  // Forget the events every subscriber is past.
  int64_t low = st.read_upto;
  for (auto& [name, queue] : st.queues)
    low = std::min(low, queue.cursor());
  while (!st.events.empty() && st.events.begin()->first <= low) {
    st.attempts.erase(st.events.begin()->first);
    st.events.erase(st.events.begin());
  }
  pump(self);
}

void deliver_notices(self_ptr self, const domain_event& e) {
  auto& st = self->state;
  auto notices = events::notices_of(e, st.cfg.shard);
  if (notices.empty()) {
    finish(self, events::notifications_subscriber, e.id, true);
    return;
  }
  auto gateway = gateway_of(self);
  if (!gateway) {
    finish(self, events::notifications_subscriber, e.id, false);
    return;
  }
  auto left = std::make_shared<size_t>(notices.size());
  auto failed = std::make_shared<bool>(false);
  auto id = e.id;
  for (auto& n : notices) {
    auto done = [=] {
      if (--*left == 0)
        finish(self, events::notifications_subscriber, id, !*failed);
    };
    self
      ->request(gateway, st.cfg.timeout, ntf_add_atom::value, n.row,
                n.dedupe_key, request_id{})
      .then([=](bool) { done(); },
            [=](caf::error& err) {
              // A recipient deleted since: nothing to deliver to.
              if (errc_of(err) != errc::not_found) {
                *failed = true;
                log::warn("events.delivery_failed",
                          {{"shard", std::to_string(self->state.cfg.shard)},
                           {"event", std::to_string(id)},
                           {"subscriber", events::notifications_subscriber},
                           {"error", message_of(err)}});
              }
              done();
            });
  }
}

// Change notices are handed to this node's gateway, which passes them on;
// with no gateway (it restarts) they wait.
void deliver_changes(self_ptr self, const std::string& subscriber,
                     const domain_event& e) {
  auto gateway = gateway_of(self);
  if (!gateway) {
    finish(self, subscriber, e.id, false);
    return;
  }
  for (auto& change : events::rec_changes_of(e))
    self->send(gateway, rec_change_atom::value, change);
  finish(self, subscriber, e.id, true);
}

void deliver(self_ptr self, const std::string& subscriber,
             const domain_event& e) {
  try {
    if (subscriber == events::notifications_subscriber)
      deliver_notices(self, e);
    else
      deliver_changes(self, subscriber, e);
  } catch (const std::exception& x) {
    // A payload this code cannot read would block its entity forever.
    log::error("events.unreadable",
               {{"shard", std::to_string(self->state.cfg.shard)},
                {"event", std::to_string(e.id)},
                {"kind", e.kind},
                {"error", x.what()}});
    finish(self, subscriber, e.id, true);
  }
}

void pump(self_ptr self) {
  auto& st = self->state;
  if (!st.started || held(self))
    return;
  auto now = clock::now();
  for (auto& [subscriber, queue] : st.queues)
    for (auto id : queue.take_ready(now))
      deliver(self, subscriber, st.events.at(id));
}

size_t waiting(self_ptr self) {
  size_t n = 0;
  for (auto& [name, queue] : self->state.queues)
    n = std::max(n, queue.pending());
  return n;
}

void load(self_ptr self) {
  auto& st = self->state;
  if (!st.started)
    return;
  if (st.loading) {
    st.load_again = true;
    return;
  }
  if (waiting(self) >= max_waiting)
    return; // the next tick looks again
  st.loading = true;
  st.load_again = false;
  self
    ->request(st.owner, st.cfg.timeout, evt_pending_atom::value, st.read_upto,
              page)
    .then(
      [=](std::vector<domain_event>& batch) {
        auto& st = self->state;
        st.loading = false;
        for (auto& e : batch) {
          for (auto& [name, queue] : st.queues)
            queue.push(e.id, e.entity);
          st.read_upto = e.id;
          st.events.emplace(e.id, std::move(e));
        }
        pump(self);
        if (batch.size() == static_cast<size_t>(page) || st.load_again)
          load(self);
      },
      [=](caf::error& err) {
        self->state.loading = false;
        log::warn("events.read_failed",
                  {{"shard", std::to_string(self->state.cfg.shard)},
                   {"error", message_of(err)}});
      });
}

void save_cursors(self_ptr self) {
  auto& st = self->state;
  if (!st.started || st.saving)
    return;
  std::vector<event_cursor> moved;
  for (auto& [name, queue] : st.queues)
    if (queue.cursor() > st.saved[name])
      moved.push_back({name, queue.cursor()});
  if (moved.empty())
    return;
  st.saving = true;
  self->request(st.owner, st.cfg.timeout, evt_cursor_atom::value, moved)
    .then(
      [=](bool) {
        self->state.saving = false;
        for (auto& c : moved)
          self->state.saved[c.subscriber] = c.upto;
      },
      [=](caf::error&) { self->state.saving = false; });
}

void start(self_ptr self) {
  auto& st = self->state;
  if (st.started || st.starting)
    return;
  st.starting = true;
  self->request(st.owner, st.cfg.timeout, evt_cursor_atom::value)
    .then(
      [=](std::vector<event_cursor>& cursors) {
        auto& st = self->state;
        st.starting = false;
        for (auto& name : events::subscribers())
          st.saved[name] = 0;
        for (auto& c : cursors)
          st.saved[c.subscriber] = c.upto;
        int64_t low = -1;
        for (auto& name : events::subscribers()) {
          auto at = st.saved[name];
          st.queues.emplace(name, events::delivery_queue{at, window});
          low = low < 0 ? at : std::min(low, at);
        }
        st.read_upto = std::max<int64_t>(0, low);
        st.started = true;
        load(self);
      },
      [=](caf::error& err) {
        // Without cursors nothing can be delivered: the next tick asks
        // again. (A dead owner restarts this relay anyway: rest_for_one.)
        self->state.starting = false;
        log::warn("events.start_failed",
                  {{"shard", std::to_string(self->state.cfg.shard)},
                   {"error", message_of(err)}});
      });
}

relay_impl::behavior_type relay(self_ptr self, event_relay_settings cfg) {
  auto& st = self->state;
  st.path = node_directory::relay_name(cfg.shard);
  st.owner = cfg.directory->owner(cfg.shard);
  st.cfg = std::move(cfg);
  answer_crashes(self, st.path);
  if (!st.owner) {
    self->quit(make_error(errc::unavailable, "shard "
                                               + std::to_string(st.cfg.shard)
                                               + " has no running owner"));
    return relay_impl::behavior_type::make_empty_behavior();
  }
  start(self);
  self->delayed_send(self, st.cfg.poll_interval, evt_tick_atom::value);
  return {
    [=](evt_new_atom) { load(self); },
    [=](evt_tick_atom) {
      start(self);
      load(self);
      pump(self); // retries that came due
      save_cursors(self);
      self->delayed_send(self, self->state.cfg.poll_interval,
                         evt_tick_atom::value);
    },
    [=](dbg_crash_atom) { throw injected_fault(self->state.path); },
  };
}

} // namespace

caf::actor spawn_event_relay(caf::local_actor* parent,
                             event_relay_settings settings) {
  return caf::actor_cast<caf::actor>(parent->spawn(relay, std::move(settings)));
}

} // namespace lunch
