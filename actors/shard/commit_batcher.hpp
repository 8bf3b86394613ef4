#pragma once

// The shard owner's group commit, over any shard_store: writes share one
// batch transaction; replies leave after the batch has committed (those of
// reads before its first write at once); the
// batch's first write checks the fence (the lease epoch still ours); a
// write with a request id is applied once, and its repeat is answered with
// the reply stored in the request log.
//
// While nothing fails, writes run without savepoints (each would cost a
// round trip). A failed write rolls the batch back; the writes before it
// run again, and from then to the commit each write has a savepoint, so a
// batch is run again at most once. Every write is therefore a closure that
// can run twice: it owns copies of its arguments.
//
// The batcher knows neither PostgreSQL nor the actor around it: the owner
// gives it hooks to schedule a flush (a message to itself, at the back of
// its mailbox, so every request already queued joins the batch), to quit
// when the connection broke or the shard was fenced, and to nudge the
// event relay after a batch with events committed.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/error.hpp>
#include <caf/result.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/shard/shard_store.hpp"

namespace lunch {

class commit_batcher {
public:
  /// A batch never grows past this many writes before it commits. Each may
  /// be a savepoint; PostgreSQL caches 64 subtransactions per transaction.
  static constexpr size_t max_batch = 64;

  struct hooks {
    std::function<void()> schedule_flush;
    std::function<void(const caf::error&)> broken; // the owner must quit
    std::function<void()> events_committed;
  };

  commit_batcher(caf::actor_system& sys, shard_store& store, int32_t shard,
                 hooks h);

  /// The lease epoch every batch checks the fence against.
  void set_epoch(int64_t epoch) {
    epoch_ = epoch;
  }
  int64_t epoch() const {
    return epoch_;
  }

  /// Runs `op()` (-> T) in the open batch. Its reply waits for the commit
  /// and carries what the last run of `op` returned; a failure undoes only
  /// this write and is the reply at once.
  template <class T, class F>
  void write(caf::typed_response_promise<T> rp, F op) {
    auto value = std::make_shared<std::optional<T>>();
    std::function<void()> run = [value, op]() mutable { value->emplace(op()); };
    auto failed = apply(run);
    // After apply: it may have opened the batch, which clears the flag.
    changed_in_batch_ = true;
    if (auto err = failed)
      rp.deliver(*err);
    else
      hold({std::move(run),
            [rp, value]() mutable { rp.deliver(std::move(**value)); },
            [rp](const caf::error& e) mutable { rp.deliver(e); }});
    schedule_flush();
  }

  /// Runs the read `op()` (-> T) in the open batch. Before the batch's
  /// first write it sees committed rows only, under the batch's fence check
  /// (a takeover waits for the batch), so its reply leaves at once: a new
  /// owner's first loads do not wait for a commit. After a write it waits
  /// for the commit like one, as it may have seen that write.
  template <class T, class F>
  void read_in_batch(caf::typed_response_promise<T> rp, F op) {
    if (changed_in_batch_) {
      write(rp, std::move(op));
      return;
    }
    std::optional<T> value;
    if (auto err = apply([&] { value.emplace(op()); }))
      rp.deliver(*err);
    else
      rp.deliver(std::move(*value));
    schedule_flush();
  }

  /// Like write, applied once per request id (an empty id: every time).
  /// The id is logged in the write's own transaction, so both commit (or
  /// roll back) together; a repeat writes nothing and gets the reply
  /// stored the first time.
  template <class T, class F>
  void
  write_once(caf::typed_response_promise<T> rp, std::string request_id, F op) {
    write(rp, [this, request_id, op]() mutable -> T {
      if (request_id.empty())
        return op();
      auto& log = store_.requests();
      if (auto stored = log.logged_reply(request_id))
        return decode<T>(*stored);
      T value = op();
      log.log_reply(request_id, encode(value));
      return value;
    });
  }

  /// Runs a long read in a transaction of its own (read_alone), after the
  /// open batch has committed: it sees every write acknowledged before.
  template <class T, class F>
  caf::result<T> read_alone(F op) {
    std::optional<T> value;
    if (auto err = read([&] { value.emplace(op()); }))
      return *err;
    return std::move(*value);
  }

  /// Commits the open batch, then delivers every reply it holds.
  void flush();

  /// The owner is going down (a crash): the open batch is never committed,
  /// so every reply it holds is a failure.
  void abort(const caf::error& reason);

  /// Drops the connection and fails every held reply, then tells the owner
  /// (hooks.broken).
  void drop(const caf::error& reason);

private:
  struct pending_reply {
    std::function<void()> run; // the write, again after a rollback
    std::function<void()> deliver;
    std::function<void(const caf::error&)> fail;
  };

  std::optional<caf::error> apply(const std::function<void()>& run);
  std::optional<caf::error> or_drop(const std::function<void()>& step);
  void run_write(const std::function<void()>& run);
  std::optional<caf::error> run_again();
  std::optional<caf::error> read(const std::function<void()>& op);
  bool ensure_batch();
  void schedule_flush();
  void hold(pending_reply reply);
  void fail_pending(const caf::error& reason);
  caf::error broken_connection() const;
  void log_internal(const std::string& message) const;

  // Replies stored in the request log: CAF's binary form, as hex text.
  template <class T>
  std::string encode(T value) const {
    std::vector<char> buf;
    caf::binary_serializer sink{sys_, buf};
    if (auto err = sink(value))
      throw std::runtime_error("cannot encode a reply: " + sys_.render(err));
    return to_hex(buf);
  }

  template <class T>
  T decode(const std::string& hex) const {
    auto buf = from_hex(hex);
    T value;
    caf::binary_deserializer source{sys_, buf};
    if (auto err = source(value))
      throw std::runtime_error("cannot decode a logged reply: "
                               + sys_.render(err));
    return value;
  }

  static std::string to_hex(const std::vector<char>& buf);
  static std::vector<char> from_hex(const std::string& hex);

  caf::actor_system& sys_;
  shard_store& store_;
  int32_t shard_;
  hooks hooks_;
  int64_t epoch_ = 0;
  std::vector<pending_reply> pending_;
  bool flush_scheduled_ = false;
  bool dropped_ = false;          // the connection is gone: quitting
  int64_t writes_in_batch_ = 0;   // writes run in the open batch
  bool guarded_ = false;          // the open batch's writes have savepoints
  bool changed_in_batch_ = false; // a write ran in the open batch
  bool batch_has_events_ = false; // the relay is told after the commit
};

} // namespace lunch
