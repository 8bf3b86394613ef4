#include "actors/shard/shard_owner_actor.hpp"

#include <memory>

#include <caf/all.hpp>

#include "actors/cluster/lease_table.hpp"
#include "actors/shard/commit_batcher.hpp"
#include "actors/shard/pg_shard_store.hpp"
#include "actors/user/points.hpp"
#include "messages/cluster_protocol.hpp"
#include "messages/errors.hpp"
#include "messages/event_protocol.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/db/connection.hpp"
#include "runtime/db/map_error.hpp"
#include "runtime/fault_injector.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

namespace {

// Private: ends the current group commit. Never leaves this file.
using flush_atom = caf::atom_constant<caf::atom("flush")>;

using owner_impl = shard_owner_actor::extend<caf::reacts_to<flush_atom>>;

struct owner_state {
  shard_owner_settings settings;
  std::string path; // in the supervision tree: "shard/2"
  std::unique_ptr<shard_store> store;
  std::unique_ptr<commit_batcher> batcher;
  static inline const char* name = "lunch.shard_owner";
};

using self_ptr = owner_impl::stateful_pointer<owner_state>;

// -- the machinery around the batcher ---------------------------------------

// The connection broke or the shard was fenced (the batcher has answered
// everything it held): fail, so that the supervisor restarts the owner
// (with backoff) on a fresh connection. Requests queued behind are bounced
// by CAF as the actor terminates, and the gateway answers `unavailable`
// until the restart is done.
void on_broken(self_ptr self, const caf::error& reason) {
  auto& st = self->state;
  if (errc_of(reason) == errc::fenced) {
    log::warn("shard.fenced", {{"shard", std::to_string(st.settings.shard)},
                               {"epoch", std::to_string(st.batcher->epoch())},
                               {"reason", message_of(reason)}});
    // The lease moved on: the cluster actor reads the catalog and stops
    // this shard here instead of restarting it.
    if (auto cluster = st.settings.directory ? st.settings.directory->cluster()
                                             : cluster_actor{})
      caf::anon_send(cluster, clu_sync_atom::value);
  } else {
    log::warn("shard.disconnected",
              {{"shard", std::to_string(st.settings.shard)},
               {"reason", message_of(reason)}});
  }
  self->quit(reason);
}

// Tells the shard's event relay that committed events wait in the outbox.
// Only a nudge: the relay reads them from the database, so a nudge lost
// while it restarts costs nothing (it reads from its cursors at start).
void nudge_relay(self_ptr self) {
  auto& dir = self->state.settings.directory;
  if (!dir)
    return;
  if (auto relay = dir->relay(self->state.settings.shard))
    caf::anon_send(relay, evt_new_atom::value);
}

commit_batcher::hooks hooks_of(self_ptr self) {
  return {
    // Goes to the back of the mailbox: every request already queued joins
    // this batch (group commit).
    [self] {
      caf::anon_send(caf::actor_cast<owner_impl>(self), flush_atom::value);
    },
    [self](const caf::error& reason) { on_broken(self, reason); },
    [self] { nudge_relay(self); },
  };
}

// Opens the store under our lease epoch: it connects, fences the shard and
// prepares its statements. Returns false (after quitting) when the
// database cannot be reached (`unavailable`) or a newer owner holds the
// shard (`fenced`).
bool connect(self_ptr self) {
  auto& st = self->state;
  auto shard = std::to_string(st.settings.shard);
  auto epoch = st.settings.leases ? st.settings.leases->epoch(st.settings.shard)
                                  : std::nullopt;
  if (!epoch) {
    self->quit(
      make_error(errc::fenced, "this node holds no lease for shard " + shard));
    return false;
  }
  st.batcher->set_epoch(*epoch);
  try {
    st.store->open(*epoch, st.settings.node);
  } catch (const std::exception& e) {
    auto failure = db::map_error(e);
    if (failure.code == errc::fenced) {
      st.batcher->drop(make_error(failure));
      return false;
    }
    auto why = db::first_line(e.what());
    log::warn("shard.unreachable", {{"shard", shard}, {"error", why}});
    self->quit(
      make_error(errc::unavailable,
                 "shard " + shard + " database is unreachable: " + why));
    return false;
  }
  log::info("shard.connected",
            {{"shard", shard}, {"epoch", std::to_string(*epoch)}});
  return true;
}

// Every request first checks fault injection: an armed owner answers the
// request with `unavailable`, then crashes.
void check_faults(self_ptr self) {
  auto& st = self->state;
  if (st.settings.faults && st.settings.faults->should_crash(st.path))
    throw_injected(self, st.path);
}

// -- the handlers' four shapes ---------------------------------------------

/// A write in the open batch; its reply leaves after the commit.
/// `op` may run twice (commit_batcher), so it holds copies of its arguments.
template <class T, class F>
caf::typed_response_promise<T> batched(self_ptr self, F op) {
  check_faults(self);
  auto rp = self->make_response_promise<T>();
  auto& store = *self->state.store;
  self->state.batcher->write(rp, [op, &store] { return op(store); });
  return rp;
}

/// A read in the open batch; its reply leaves at once before the batch's
/// first write, else after the commit.
template <class T, class F>
caf::typed_response_promise<T> read(self_ptr self, F op) {
  check_faults(self);
  auto rp = self->make_response_promise<T>();
  auto& store = *self->state.store;
  self->state.batcher->read_in_batch(rp, [op, &store] { return op(store); });
  return rp;
}

/// A write applied once per request id (none = every time).
template <class T, class F>
caf::typed_response_promise<T>
once(self_ptr self, const request_id& rid, F op) {
  check_faults(self);
  auto rp = self->make_response_promise<T>();
  auto& store = *self->state.store;
  self->state.batcher->write_once(rp, rid.value,
                                  [op, &store] { return op(store); });
  return rp;
}

/// A long read in a transaction of its own, after the batch committed.
template <class T, class F>
caf::result<T> alone(self_ptr self, F op) {
  check_faults(self);
  auto& store = *self->state.store;
  return self->state.batcher->template read_alone<T>([&] { return op(store); });
}

using store_ref = shard_store&;
using ints = std::vector<int64_t>;

owner_impl::behavior_type owner(self_ptr self, shard_owner_settings settings,
                                shard_store_factory open_store) {
  auto& st = self->state;
  st.path = node_directory::owner_name(settings.shard);
  st.settings = std::move(settings);
  st.store = open_store(st.settings);
  st.batcher = std::make_unique<commit_batcher>(
    self->system(), *st.store, st.settings.shard, hooks_of(self));
  // A handler that throws (a bug, an injected fault) ends the owner: its
  // open batch is never committed, so every reply it holds is a failure.
  answer_crashes(self, st.path, [self](const caf::error& err) {
    self->state.batcher->abort(err);
  });
  if (!connect(self))
    return owner_impl::behavior_type::make_empty_behavior();
  // Asked to stop (a handoff, a shutdown): commit what is open, so every
  // request already handled gets its answer; later ones bounce.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    self->state.batcher->flush();
    self->quit(msg.reason);
  });
  return {
    // -- users ---------------------------------------------------------------
    [=](db_load_atom, const user_key& id) {
      return read<user_lookup>(self, [=](store_ref s) {
        return s.users().load_user(id.value);
      });
    },
    [=](db_insert_atom, const user_profile& p, const request_id& rid) {
      return once<user_profile>(self, rid, [=](store_ref s) {
        return s.users().insert_user(p);
      });
    },
    [=](db_save_atom, const user_profile& p, const request_id& rid) {
      return once<user_profile>(self, rid, [=](store_ref s) {
        return s.users().save_user(p);
      });
    },
    [=](db_delete_atom, const user_key& id, const request_id& rid) {
      return once<bool>(self, rid, [=](store_ref s) {
        s.users().delete_user(id.value);
        return true;
      });
    },
    [=](db_purge_atom, const user_key& id) {
      return batched<ints>(self, [=](store_ref s) {
        return s.users().purge_user(id.value);
      });
    },
    [=](pts_scan_atom, const user_key& id) {
      return read<points_mark>(self, [=](store_ref s) {
        return s.users().scan_points(id.value);
      });
    },
    [=](usr_search_atom, const std::string& term, int32_t limit) {
      return read<std::vector<user_summary>>(self, [=](store_ref s) {
        return s.users().search(term, limit);
      });
    },
    // -- parties -------------------------------------------------------------
    [=](db_insert_atom, const party_record& p, const request_id& rid) {
      return once<party_created>(self, rid, [=](store_ref s) {
        return s.parties().insert_party(p, points_party_created);
      });
    },
    [=](db_load_atom, party_id id) {
      return read<party_lookup>(self, [=](store_ref s) {
        return s.parties().load_party(id.value);
      });
    },
    [=](db_addmem_atom, party_id party, const user_key& user, int64_t points,
        const request_id& rid) {
      return once<points_award>(self, rid, [=](store_ref s) {
        return s.parties().add_member(party.value, user.value, points);
      });
    },
    [=](db_rmmem_atom, party_id party, const user_key& user,
        const request_id& rid) {
      return once<bool>(self, rid, [=](store_ref s) {
        return s.parties().remove_member(party.value, user.value);
      });
    },
    [=](db_save_atom, const party_record& p, const request_id& rid) {
      return once<bool>(self, rid,
                        [=](store_ref s) { return s.parties().save_party(p); });
    },
    [=](db_delete_atom, party_id id, const request_id& rid) {
      return once<bool>(self, rid, [=](store_ref s) {
        return s.parties().delete_party(id.value);
      });
    },
    [=](db_seen_atom, const request_id& rid) {
      return read<bool>(self, [=](store_ref s) {
        return s.requests().logged_reply(rid.value).has_value();
      });
    },
    [=](pty_mine_atom, const user_key& user) {
      return read<std::vector<party_record>>(self, [=](store_ref s) {
        return s.parties().parties_of(user.value);
      });
    },
    [=](pty_list_atom, const party_filter& filter) {
      return read<std::vector<party_record>>(self, [=](store_ref s) {
        return s.parties().list(filter);
      });
    },
    [=](shd_stats_atom) {
      return read<shard_stats>(self, [=](store_ref s) {
        return s.parties().stats();
      });
    },
    // -- calendar entries ----------------------------------------------------
    [=](cal_add_atom, const calendar_entry& e, const request_id& rid) {
      return once<calendar_entry>(self, rid, [=](store_ref s) {
        return s.calendar().insert_calendar_entry(e);
      });
    },
    [=](cal_list_atom, const user_key& user) {
      return read<std::vector<calendar_entry>>(self, [=](store_ref s) {
        return s.calendar().calendar_of(user.value);
      });
    },
    [=](cal_delete_atom, const user_key& user, int64_t id,
        const request_id& rid) {
      return once<calendar_entry>(self, rid, [=](store_ref s) {
        return s.calendar().delete_calendar_entry(user.value, id);
      });
    },
    // -- the notification inbox ----------------------------------------------
    [=](ntf_add_atom, const notification& n, const std::string& dedupe_key,
        const request_id& rid) {
      return once<bool>(self, rid, [=](store_ref s) {
        return s.inbox().insert_notification(n, dedupe_key);
      });
    },
    [=](ntf_add_atom, const std::vector<notification>& ns,
        const std::vector<std::string>& dedupe_keys, const request_id& rid) {
      return once<ints>(self, rid, [=](store_ref s) {
        auto b = s.inbox().insert_notifications(ns, dedupe_keys);
        return ints{b.inserted, b.duplicates,
                    static_cast<int64_t>(b.missing_users.size())};
      });
    },
    [=](ntf_list_atom, const user_key& user, bool unread_only) {
      return read<notification_inbox>(self, [=](store_ref s) {
        return s.inbox().inbox(user.value, unread_only);
      });
    },
    [=](ntf_read_atom, int64_t id, const request_id& rid) {
      return once<notification>(self, rid, [=](store_ref s) {
        return s.inbox().mark_notification_read(id);
      });
    },
    [=](ntf_readall_atom, const user_key& user, const request_id& rid) {
      return once<int64_t>(self, rid, [=](store_ref s) {
        return s.inbox().mark_all_notifications_read(user.value);
      });
    },
    [=](ntf_delete_atom, int64_t id, const request_id& rid) {
      return once<bool>(self, rid, [=](store_ref s) {
        s.inbox().delete_notification(id);
        return true;
      });
    },
    [=](ntf_clear_atom, const user_key& user, const request_id& rid) {
      return once<int64_t>(self, rid, [=](store_ref s) {
        return s.inbox().clear_read_notifications(user.value);
      });
    },
    // -- the data jobs: cleanup and user analytics (spec §5) -----------------
    [=](mnt_clean_atom, const std::string& party_cutoff, int32_t days,
        const request_id& rid) {
      return once<cleanup_counts>(self, rid, [=](store_ref s) {
        return s.analytics().expire(party_cutoff, days);
      });
    },
    [=](mnt_scan_atom, const std::string& day, const std::string& user) {
      return read<std::vector<analytics_counts>>(self, [=](store_ref s) {
        return s.analytics().analytics_counts_of(day, user);
      });
    },
    [=](mnt_store_atom, const std::string& day,
        const std::vector<analytics_counts>& counts, const std::string& user,
        const request_id& rid) {
      return once<int64_t>(self, rid, [=](store_ref s) {
        return s.analytics().store_analytics(day, counts, user);
      });
    },
    [=](mnt_get_atom, const std::string& user, const std::string& day) {
      return read<user_analytics>(self, [=](store_ref s) {
        return s.analytics().analytics_of(user, day);
      });
    },
    [=](rec_snapshot_atom, const std::string& today) {
      return alone<rec_shard_snapshot>(self, [=](store_ref s) {
        return s.snapshots().rec_snapshot(today);
      });
    },
    // -- the outbox, for the shard's event relay -----------------------------
    [=](evt_pending_atom, int64_t after, int32_t limit) {
      return read<std::vector<domain_event>>(self, [=](store_ref s) {
        return s.outbox().events_after(after, limit);
      });
    },
    [=](evt_cursor_atom) {
      return read<std::vector<event_cursor>>(self, [=](store_ref s) {
        return s.outbox().event_cursors();
      });
    },
    [=](evt_cursor_atom, const std::vector<event_cursor>& cursors) {
      return batched<bool>(self, [=](store_ref s) {
        s.outbox().save_event_cursors(cursors);
        return true;
      });
    },
    [=](flush_atom) { self->state.batcher->flush(); },
    [=](dbg_crash_atom) { throw injected_fault(self->state.path); },
  };
}

} // namespace

shard_owner_actor
spawn_shard_owner(caf::local_actor* parent, shard_owner_settings settings,
                  shard_store_factory open_store, bool detached) {
  auto h = detached
             ? parent->spawn<caf::detached>(owner, std::move(settings),
                                            std::move(open_store))
             : parent->spawn(owner, std::move(settings), std::move(open_store));
  return caf::actor_cast<shard_owner_actor>(h);
}

shard_owner_actor spawn_shard_owner(caf::local_actor* parent,
                                    shard_owner_settings settings) {
  auto open_pg = [](const shard_owner_settings& s) {
    return std::make_unique<pg_shard_store>(s.shard, s.dsn, s.standby);
  };
  return spawn_shard_owner(parent, std::move(settings), open_pg, true);
}

} // namespace lunch
