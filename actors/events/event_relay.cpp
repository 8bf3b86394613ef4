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

// Forgets the events every subscriber is past.
void forget_delivered(self_ptr self) {
  auto& st = self->state;
  int64_t low = st.read_upto;
  for (auto& [name, queue] : st.queues)
    low = std::min(low, queue.cursor());
  while (!st.events.empty() && st.events.begin()->first <= low) {
    st.attempts.erase(st.events.begin()->first);
    st.events.erase(st.events.begin());
  }
}

// Settles deliveries of `subscriber` (a failed one is tried again later,
// after a backoff), then sends what became ready.
void finish_all(self_ptr self, const std::string& subscriber,
                const std::vector<int64_t>& ids, bool ok) {
  auto& st = self->state;
  auto& q = st.queues.at(subscriber);
  for (auto id : ids) {
    if (ok) {
      q.ack(id);
    } else {
      auto attempt = ++st.attempts[id];
      q.fail(id, clock::now() + backoff(attempt));
    }
  }
  forget_delivered(self);
  pump(self);
}

// A payload this code cannot read would block its entity forever: it is
// logged and passed over.
void log_unreadable(self_ptr self, const domain_event& e,
                    const std::exception& x) {
  log::error("events.unreadable",
             {{"shard", std::to_string(self->state.cfg.shard)},
              {"event", std::to_string(e.id)},
              {"kind", e.kind},
              {"error", x.what()}});
}

void log_failed_delivery(self_ptr self, const std::vector<int64_t>& ids,
                         const caf::error& err) {
  log::warn("events.delivery_failed",
            {{"shard", std::to_string(self->state.cfg.shard)},
             {"event", std::to_string(ids.front())},
             {"events", std::to_string(ids.size())},
             {"subscriber", events::notifications_subscriber},
             {"error", message_of(err)}});
}

// The notifications of the events `ids`: one batch through the gateway,
// which sends one insert per recipient shard. The rows carry dedupe keys,
// so a batch that failed (and is sent again) adds nothing twice. A batch
// the gateway refuses as invalid goes again event by event, so that one
// bad row holds back only its own event.
void deliver_notices(self_ptr self, const std::vector<int64_t>& ids) {
  auto& st = self->state;
  std::vector<int64_t> sent;
  std::vector<int64_t> done;
  std::vector<notification> rows;
  std::vector<std::string> keys;
  for (auto id : ids) {
    auto& e = st.events.at(id);
    try {
      auto notices = events::notices_of(e, st.cfg.shard);
      if (notices.empty()) {
        done.push_back(id);
        continue;
      }
      for (auto& n : notices) {
        rows.push_back(std::move(n.row));
        keys.push_back(std::move(n.dedupe_key));
      }
      sent.push_back(id);
    } catch (const std::exception& x) {
      log_unreadable(self, e, x);
      done.push_back(id);
    }
  }
  if (!done.empty())
    finish_all(self, events::notifications_subscriber, done, true);
  if (sent.empty())
    return;
  auto gateway = gateway_of(self);
  if (!gateway) {
    finish_all(self, events::notifications_subscriber, sent, false);
    return;
  }
  // Unknown recipients (deleted since) are counted, not errors: nothing
  // to deliver to.
  self
    ->request(gateway, st.cfg.timeout, ntf_add_atom::value, std::move(rows),
              std::move(keys), request_id{})
    .then(
      [=](std::vector<int64_t>&) {
        finish_all(self, events::notifications_subscriber, sent, true);
      },
      [=](caf::error& err) {
        if (errc_of(err) == errc::invalid_argument && sent.size() > 1) {
          for (auto id : sent)
            deliver_notices(self, {id});
          return;
        }
        log_failed_delivery(self, sent, err);
        finish_all(self, events::notifications_subscriber, sent, false);
      });
}

// Change notices are handed to this node's gateway, which passes them on:
// those of all the events ready, in their order, as one message (on every
// node each message costs a hop or two, whatever it holds). With no
// gateway (it restarts) they wait.
void deliver_changes(self_ptr self, const std::string& subscriber,
                     const std::vector<int64_t>& ids) {
  auto gateway = gateway_of(self);
  if (!gateway) {
    finish_all(self, subscriber, ids, false);
    return;
  }
  std::vector<rec_change> changes;
  for (auto id : ids) {
    auto& e = self->state.events.at(id);
    try {
      for (auto& change : events::rec_changes_of(e))
        changes.push_back(std::move(change));
    } catch (const std::exception& x) {
      log_unreadable(self, e, x);
    }
  }
  if (!changes.empty())
    self->send(gateway, rec_change_atom::value, std::move(changes));
  finish_all(self, subscriber, ids, true);
}

void pump(self_ptr self) {
  auto& st = self->state;
  if (!st.started || held(self))
    return;
  auto now = clock::now();
  for (auto& [subscriber, queue] : st.queues) {
    auto ready = queue.take_ready(now);
    if (ready.empty())
      continue;
    if (subscriber == events::notifications_subscriber)
      deliver_notices(self, ready);
    else
      deliver_changes(self, subscriber, ready);
  }
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
  self->delayed_send(self, st.cfg.start_delay, evt_tick_atom::value);
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
