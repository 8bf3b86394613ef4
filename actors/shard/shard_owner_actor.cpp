#include "actors/shard/shard_owner_actor.hpp"

#include <chrono>
#include <functional>
#include <memory>

#include <caf/all.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "actors/cluster/lease_table.hpp"
#include "actors/shard/shard_store.hpp"
#include "actors/user/points.hpp"
#include "messages/cluster_protocol.hpp"
#include "messages/errors.hpp"
#include "runtime/node_directory.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/db/connection.hpp"
#include "runtime/db/map_error.hpp"
#include "runtime/fault_injector.hpp"
#include "runtime/log.hpp"

namespace lunch {

namespace {

// Private: ends the current group commit. Never leaves this file.
using flush_atom = caf::atom_constant<caf::atom("flush")>;

using owner_impl = shard_owner_actor::extend<caf::reacts_to<flush_atom>>;

// A batch never grows past this many operations before it commits. Each
// operation is a subtransaction; PostgreSQL caches 64 per transaction.
constexpr size_t max_batch = 64;

// A reply waiting for its batch to commit.
struct pending_reply {
  std::function<void()> deliver;
  std::function<void(const caf::error&)> fail;
};

struct owner_state {
  shard_owner_settings settings;
  std::string path; // in the supervision tree: "shard/2"
  shard_store store{0};
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<pqxx::work> batch;
  std::vector<pending_reply> pending;
  bool flush_scheduled = false;
  int64_t ops_in_batch = 0;      // savepoints set in the open batch
  bool batch_has_events = false; // the relay is told after the commit
  int64_t epoch = 0;             // the lease epoch this owner writes under
  static inline const char* name = "lunch.shard_owner";
};

using self_ptr = owner_impl::stateful_pointer<owner_state>;

// Fails every reply still waiting for a commit: their batch was not
// committed (the commit failed, or the transaction dies with the
// connection).
void fail_pending(self_ptr self, const caf::error& reason) {
  auto& st = self->state;
  auto pending = std::move(st.pending);
  st.pending.clear();
  for (auto& p : pending)
    p.fail(reason);
}

// The connection broke: answer everything held, then fail so that the
// supervisor restarts the owner (with backoff) on a fresh connection.
// Requests queued behind are bounced by CAF as the actor terminates, and
// the gateway answers `unavailable` until the restart is done.
void drop_connection(self_ptr self, const caf::error& reason) {
  auto& st = self->state;
  // Destroying a transaction on a dead connection must not throw out of
  // here; pqxx swallows errors in destructors.
  st.batch.reset();
  st.conn.reset();
  fail_pending(self, reason);
  if (errc_of(reason) == errc::fenced) {
    log::warn("shard.fenced", {{"shard", std::to_string(st.settings.shard)},
                               {"epoch", std::to_string(st.epoch)},
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

// Opens the batch transaction if needed. Returns false (after quitting)
// when the connection is broken.
bool ensure_batch(self_ptr self) {
  auto& st = self->state;
  if (st.batch)
    return true;
  if (!st.conn) // quitting already
    return false;
  try {
    st.batch = std::make_unique<pqxx::work>(*st.conn, "batch");
    st.ops_in_batch = 0;
    return true;
  } catch (const std::exception& e) {
    drop_connection(self, make_error(db::map_error(e)));
    return false;
  }
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

void flush(self_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  if (!st.batch)
    return;
  try {
    st.batch->commit();
  } catch (const std::exception& e) {
    auto failure = db::map_error(e);
    auto err = make_error(failure);
    if (failure.code == errc::unavailable || !st.conn || !st.conn->is_open()) {
      drop_connection(self, err);
      return;
    }
    st.batch.reset();
    fail_pending(self, err);
    return;
  }
  st.batch.reset();
  if (st.batch_has_events) {
    st.batch_has_events = false;
    nudge_relay(self);
  }
  auto pending = std::move(st.pending);
  st.pending.clear();
  for (auto& p : pending)
    p.deliver();
}

void schedule_flush(self_ptr self) {
  auto& st = self->state;
  if (st.ops_in_batch >= static_cast<int64_t>(max_batch)) {
    flush(self);
    return;
  }
  if (!st.flush_scheduled && st.batch) {
    st.flush_scheduled = true;
    // Goes to the back of the mailbox: every request already queued joins
    // this batch (group commit).
    caf::anon_send(caf::actor_cast<owner_impl>(self), flush_atom::value);
  }
}

// Runs one operation in a savepoint of the open batch. Success replies wait
// for the commit; a failure rolls back only this operation and replies at
// once. The savepoints are explicit SQL: libpqxx 6.4's subtransaction never
// sends SAVEPOINT for prepared statements, and committing a transaction that
// a failed statement aborted silently rolls back every write in the batch.
template <class T, class F>
caf::typed_response_promise<T> run(self_ptr self, F op) {
  auto& st = self->state;
  if (st.settings.faults && st.settings.faults->should_crash(st.path))
    throw_injected(self, st.path);
  auto rp = self->make_response_promise<T>();
  if (!ensure_batch(self)) {
    rp.deliver(
      make_error(errc::unavailable, "shard " + std::to_string(st.settings.shard)
                                      + " database connection is broken"));
    return rp;
  }
  auto& tx = *st.batch;
  try {
    // One round trip: the previous operation's savepoint is released and
    // this one's set.
    // A batch starts with the fence check: its share lock on the fence
    // row holds any takeover until this batch has committed.
    tx.exec(st.ops_in_batch == 0
              ? "SELECT lunch_fence(" + std::to_string(st.epoch)
                  + "); SAVEPOINT op"
              : std::string{"RELEASE SAVEPOINT op; SAVEPOINT op"});
    ++st.ops_in_batch;
  } catch (const std::exception& e) {
    auto err = make_error(db::map_error(e));
    drop_connection(self, err);
    rp.deliver(err);
    return rp;
  }
  try {
    st.store.take_events_written();
    T value = op(tx);
    if (st.store.take_events_written())
      st.batch_has_events = true;
    st.pending.push_back(
      {[rp, value]() mutable { rp.deliver(std::move(value)); },
       [rp](const caf::error& e) mutable { rp.deliver(e); }});
  } catch (const std::exception& e) {
    auto x = db::map_error(e);
    try {
      tx.exec("ROLLBACK TO SAVEPOINT op");
    } catch (const std::exception& again) {
      // The batch cannot continue: nothing in it was acknowledged yet.
      auto err = make_error(db::map_error(again));
      drop_connection(self, err);
      rp.deliver(x.code == errc::unavailable ? err : make_error(x));
      return rp;
    }
    if (x.code == errc::internal)
      log::error("shard.sql_error",
                 {{"shard", std::to_string(st.settings.shard)},
                  {"error", x.message}});
    rp.deliver(make_error(x));
  }
  schedule_flush(self);
  return rp;
}

// Runs a long read in a read-only, repeatable-read transaction of its own,
// so its queries agree with each other and it holds no batch open. The open
// batch commits first: the read sees every write acknowledged before it.
// Like a batch, it checks the fence: a stale owner answers nothing.
template <class T, class F>
caf::result<T> read_alone(self_ptr self, F op) {
  auto& st = self->state;
  if (st.settings.faults && st.settings.faults->should_crash(st.path))
    throw_injected(self, st.path);
  flush(self);
  if (!st.conn) // the commit broke it
    return make_error(errc::unavailable, "shard "
                                           + std::to_string(st.settings.shard)
                                           + " database connection is broken");
  try {
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx{*st.conn};
    // lunch_fence() locks the row, which a read-only transaction may not.
    auto current = tx.exec("SELECT epoch FROM shard_fence")[0][0].as<int64_t>();
    if (current != st.epoch)
      throw db::domain_error(
        errc::fenced, "fenced: shard " + std::to_string(st.settings.shard)
                        + " belongs to epoch " + std::to_string(current)
                        + ", not " + std::to_string(st.epoch));
    T value = op(tx);
    tx.commit();
    return value;
  } catch (const std::exception& e) {
    auto x = db::map_error(e);
    auto err = make_error(x);
    if (x.code == errc::unavailable || x.code == errc::fenced
        || !st.conn->is_open()) {
      drop_connection(self, err);
      return err;
    }
    if (x.code == errc::internal)
      log::error("shard.sql_error",
                 {{"shard", std::to_string(st.settings.shard)},
                  {"error", x.message}});
    return err;
  }
}

// Writes our epoch into the shard's fence row (or finds it there after a
// restart). A stale owner whose open transaction holds the row (a paused
// node) is disconnected, so a takeover never waits for it. Throws a
// fenced domain_error when a newer epoch owns the shard.
void fence(self_ptr self) {
  auto& st = self->state;
  auto& conn = *st.conn;
  auto shard = std::to_string(st.settings.shard);
  for (int attempt = 0;; ++attempt) {
    try {
      pqxx::work tx{conn};
      tx.exec("SET LOCAL lock_timeout = '200ms'");
      auto moved = tx.exec_params("UPDATE shard_fence SET epoch = $1,"
                                  " owner = $2, fenced_at = now()"
                                  " WHERE epoch < $1 RETURNING 1",
                                  st.epoch, st.settings.node);
      if (moved.empty()) {
        auto row = tx.exec("SELECT epoch, owner FROM shard_fence");
        if (row[0][0].as<int64_t>() != st.epoch)
          throw db::domain_error(errc::fenced,
                                 "fenced: shard " + shard + " belongs to epoch "
                                   + row[0][0].as<std::string>() + " ("
                                   + row[0][1].as<std::string>() + "), not "
                                   + std::to_string(st.epoch));
      }
      tx.commit();
      log::info("shard.fenced_in",
                {{"shard", shard},
                 {"epoch", std::to_string(st.epoch)},
                 {"taken_over", moved.empty() ? "no" : "yes"}});
      return;
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != "55P03" || attempt >= 20)
        throw;
    }
    pqxx::nontransaction tx{conn};
    auto killed = tx.exec_params(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
      " WHERE datname = current_database() AND pid <> pg_backend_pid()"
      " AND application_name = $1",
      "lunchmesh-owner-" + shard);
    log::warn("shard.stale_owner_disconnected",
              {{"shard", shard}, {"backends", killed[0][0].as<std::string>()}});
  }
}

// Replies stored in the request log: CAF's binary form, as hex text.
template <class T>
std::string encode_reply(self_ptr self, T value) {
  std::vector<char> buf;
  caf::binary_serializer sink{self->system(), buf};
  if (auto err = sink(value))
    throw std::runtime_error("cannot encode a reply: "
                             + self->system().render(err));
  static const char* digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(buf.size() * 2);
  for (char c : buf) {
    auto b = static_cast<unsigned char>(c);
    hex += digits[b >> 4];
    hex += digits[b & 0x0F];
  }
  return hex;
}

template <class T>
T decode_reply(self_ptr self, const std::string& hex) {
  std::vector<char> buf;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    buf.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  T value;
  caf::binary_deserializer source{self->system(), buf};
  if (auto err = source(value))
    throw std::runtime_error("cannot decode a logged reply: "
                             + self->system().render(err));
  return value;
}

// A write with a request id: applied once. A repeated id gets the reply
// stored the first time, and nothing is written again. The id is logged
// in the write's own savepoint, so both commit (or roll back) together.
template <class T, class Tx, class F>
T once(self_ptr self, Tx& tx, const std::string& request_id, F op) {
  auto& store = self->state.store;
  if (request_id.empty())
    return op();
  if (auto stored = store.logged_reply(tx, request_id))
    return decode_reply<T>(self, *stored);
  T value = op();
  store.log_reply(tx, request_id, encode_reply(self, value));
  return value;
}

// Connects, fences the shard with our lease epoch and prepares the
// statements. Returns false (after quitting) when the database cannot be
// reached (`unavailable`) or a newer owner holds the shard (`fenced`).
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
  st.epoch = *epoch;
  try {
    st.conn = db::open_connection(st.settings.dsn);
    {
      // The name lets a successor find (and end) this session; the epoch
      // is written into every row this owner creates.
      pqxx::nontransaction setup{*st.conn};
      setup.exec("SET application_name = 'lunchmesh-owner-" + shard
                 + "'; SET lunch.epoch = '" + std::to_string(st.epoch) + "'");
    }
    fence(self);
    shard_store::prepare(*st.conn);
  } catch (const std::exception& e) {
    st.conn.reset();
    auto failure = db::map_error(e);
    if (failure.code == errc::fenced) {
      drop_connection(self, make_error(failure));
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
            {{"shard", shard}, {"epoch", std::to_string(st.epoch)}});
  return true;
}

owner_impl::behavior_type owner(self_ptr self, shard_owner_settings settings) {
  auto& st = self->state;
  st.path = node_directory::owner_name(settings.shard);
  st.store = shard_store{settings.shard};
  st.settings = std::move(settings);
  // A handler that throws (a bug, an injected fault) ends the owner: its
  // open batch is never committed, so every reply it holds is a failure.
  answer_crashes(self, st.path, [self](const caf::error& err) {
    auto& st = self->state;
    st.batch.reset();
    st.conn.reset();
    fail_pending(self, err);
  });
  if (!connect(self))
    return owner_impl::behavior_type::make_empty_behavior();
  // Asked to stop (a handoff, a shutdown): commit what is open, so every
  // request already handled gets its answer; later ones bounce.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    flush(self);
    self->quit(msg.reason);
  });
  auto store = [self]() -> shard_store& { return self->state.store; };
  return {
    [=](db_load_atom, const std::string& id) {
      return run<user_lookup>(self, [&](auto& tx) {
        return store().load_user(tx, id);
      });
    },
    [=](db_insert_atom, const user_profile& p, const std::string& rid) {
      return run<user_profile>(self, [&](auto& tx) {
        return once<user_profile>(self, tx, rid,
                                  [&] { return store().insert_user(tx, p); });
      });
    },
    [=](db_save_atom, const user_profile& p, const std::string& rid) {
      return run<user_profile>(self, [&](auto& tx) {
        return once<user_profile>(self, tx, rid,
                                  [&] { return store().save_user(tx, p); });
      });
    },
    [=](db_delete_atom, const std::string& id, const std::string& rid) {
      return run<bool>(self, [&](auto& tx) {
        return once<bool>(self, tx, rid, [&] {
          store().delete_user(tx, id);
          return true;
        });
      });
    },
    [=](db_purge_atom, const std::string& id) {
      return run<std::vector<int64_t>>(self, [&](auto& tx) {
        return store().purge_user(tx, id);
      });
    },
    [=](pts_scan_atom, const std::string& id) {
      return run<points_mark>(self, [&](auto& tx) {
        return store().scan_points(tx, id);
      });
    },
    [=](usr_search_atom, const std::string& term, int32_t limit) {
      return run<std::vector<user_summary>>(self, [&](auto& tx) {
        return store().search(tx, term, limit);
      });
    },
    [=](db_insert_atom, const party_record& p, const std::string& rid) {
      return run<party_created>(self, [&](auto& tx) {
        return once<party_created>(self, tx, rid, [&] {
          return store().insert_party(tx, p, points_party_created);
        });
      });
    },
    [=](db_load_atom, int64_t id) {
      return run<party_lookup>(self, [&](auto& tx) {
        return store().load_party(tx, id);
      });
    },
    [=](db_addmem_atom, int64_t party, const std::string& user, int64_t points,
        const std::string& rid) {
      return run<points_award>(self, [&](auto& tx) {
        return once<points_award>(self, tx, rid, [&] {
          return store().add_member(tx, party, user, points);
        });
      });
    },
    [=](db_rmmem_atom, int64_t party, const std::string& user,
        const std::string& rid) {
      return run<bool>(self, [&](auto& tx) {
        return once<bool>(self, tx, rid, [&] {
          return store().remove_member(tx, party, user);
        });
      });
    },
    [=](db_save_atom, const party_record& p, const std::string& rid) {
      return run<bool>(self, [&](auto& tx) {
        return once<bool>(self, tx, rid,
                          [&] { return store().save_party(tx, p); });
      });
    },
    [=](db_delete_atom, int64_t id, const std::string& rid) {
      return run<bool>(self, [&](auto& tx) {
        return once<bool>(self, tx, rid,
                          [&] { return store().delete_party(tx, id); });
      });
    },
    [=](db_seen_atom, const std::string& rid) {
      return run<bool>(self, [&](auto& tx) {
        return store().logged_reply(tx, rid).has_value();
      });
    },
    [=](pty_mine_atom, const std::string& user) {
      return run<std::vector<party_record>>(self, [&](auto& tx) {
        return store().parties_of(tx, user);
      });
    },
    [=](pty_list_atom, const party_filter& filter) {
      return run<std::vector<party_record>>(self, [&](auto& tx) {
        return store().list(tx, filter);
      });
    },
    [=](shd_stats_atom) {
      return run<shard_stats>(self,
                              [&](auto& tx) { return store().stats(tx); });
    },
    // -- calendar entries and recommendation inputs ----------------------
    [=](db_insert_atom, const calendar_entry& e, const std::string& rid) {
      return run<calendar_entry>(self, [&](auto& tx) {
        return once<calendar_entry>(self, tx, rid, [&] {
          return store().insert_calendar_entry(tx, e);
        });
      });
    },
    [=](cal_list_atom, const std::string& user) {
      return run<std::vector<calendar_entry>>(self, [&](auto& tx) {
        return store().calendar_of(tx, user);
      });
    },
    [=](db_delete_atom, const std::string& user, int64_t id,
        const std::string& rid) {
      return run<calendar_entry>(self, [&](auto& tx) {
        return once<calendar_entry>(self, tx, rid, [&] {
          return store().delete_calendar_entry(tx, user, id);
        });
      });
    },
    // -- the notification inbox -------------------------------------------
    [=](ntf_add_atom, const notification& n, const std::string& dedupe_key,
        const std::string& rid) {
      return run<bool>(self, [&](auto& tx) {
        return once<bool>(self, tx, rid, [&] {
          return store().insert_notification(tx, n, dedupe_key);
        });
      });
    },
    [=](ntf_add_atom, const std::vector<notification>& ns,
        const std::vector<std::string>& dedupe_keys, const std::string& rid) {
      return run<std::vector<int64_t>>(self, [&](auto& tx) {
        return once<std::vector<int64_t>>(self, tx, rid, [&] {
          auto b = store().insert_notifications(tx, ns, dedupe_keys);
          return std::vector<int64_t>{
            b.inserted, b.duplicates,
            static_cast<int64_t>(b.missing_users.size())};
        });
      });
    },
    [=](ntf_list_atom, const std::string& user, bool unread_only) {
      return run<notification_inbox>(self, [&](auto& tx) {
        return store().inbox(tx, user, unread_only);
      });
    },
    [=](ntf_read_atom, int64_t id, const std::string& rid) {
      return run<notification>(self, [&](auto& tx) {
        return once<notification>(self, tx, rid, [&] {
          return store().mark_notification_read(tx, id);
        });
      });
    },
    [=](ntf_readall_atom, const std::string& user, const std::string& rid) {
      return run<int64_t>(self, [&](auto& tx) {
        return once<int64_t>(self, tx, rid, [&] {
          return store().mark_all_notifications_read(tx, user);
        });
      });
    },
    [=](ntf_delete_atom, int64_t id, const std::string& rid) {
      return run<bool>(self, [&](auto& tx) {
        return once<bool>(self, tx, rid, [&] {
          store().delete_notification(tx, id);
          return true;
        });
      });
    },
    [=](ntf_clear_atom, const std::string& user, const std::string& rid) {
      return run<int64_t>(self, [&](auto& tx) {
        return once<int64_t>(self, tx, rid, [&] {
          return store().clear_read_notifications(tx, user);
        });
      });
    },
    // -- the data jobs: cleanup and user analytics (spec §5) ---------------
    [=](mnt_clean_atom, const std::string& party_cutoff, int32_t days,
        const std::string& rid) {
      return run<cleanup_counts>(self, [&](auto& tx) {
        return once<cleanup_counts>(self, tx, rid, [&] {
          return store().expire(tx, party_cutoff, days);
        });
      });
    },
    [=](mnt_scan_atom, const std::string& day, const std::string& user) {
      return run<std::vector<analytics_counts>>(self, [&](auto& tx) {
        return store().analytics_counts_of(tx, day, user);
      });
    },
    [=](mnt_store_atom, const std::string& day,
        const std::vector<analytics_counts>& counts, const std::string& user,
        const std::string& rid) {
      return run<int64_t>(self, [&](auto& tx) {
        return once<int64_t>(self, tx, rid, [&] {
          return store().store_analytics(tx, day, counts, user);
        });
      });
    },
    [=](mnt_get_atom, const std::string& user, const std::string& day) {
      return run<user_analytics>(self, [&](auto& tx) {
        return store().analytics_of(tx, user, day);
      });
    },
    [=](rec_snapshot_atom, const std::string& today) {
      return read_alone<rec_shard_snapshot>(self, [&](auto& tx) {
        return store().rec_snapshot(tx, today);
      });
    },
    // -- the outbox, for the shard's event relay --------------------------
    [=](evt_pending_atom, int64_t after, int32_t limit) {
      return run<std::vector<domain_event>>(self, [&](auto& tx) {
        return store().events_after(tx, after, limit);
      });
    },
    [=](evt_cursor_atom) {
      return run<std::vector<event_cursor>>(self, [&](auto& tx) {
        return store().event_cursors(tx);
      });
    },
    [=](evt_cursor_atom, const std::vector<event_cursor>& cursors) {
      return run<bool>(self, [&](auto& tx) {
        store().save_event_cursors(tx, cursors);
        return true;
      });
    },
    [=](flush_atom) { flush(self); },
    [=](dbg_crash_atom) { throw injected_fault(self->state.path); },
  };
}

} // namespace

shard_owner_actor spawn_shard_owner(caf::local_actor* parent,
                                    shard_owner_settings settings) {
  auto h = parent->spawn<caf::detached>(owner, std::move(settings));
  return caf::actor_cast<shard_owner_actor>(h);
}

} // namespace lunch
