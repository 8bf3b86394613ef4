#include "actors/shard/commit_batcher.hpp"

#include "messages/errors.hpp"
#include "runtime/db/map_error.hpp"
#include "runtime/log.hpp"

namespace lunch {

commit_batcher::commit_batcher(caf::actor_system& sys, shard_store& store,
                               int32_t shard, hooks h)
    : sys_(sys), store_(store), shard_(shard), hooks_(std::move(h)) {
  // nop
}

caf::error commit_batcher::broken_connection() const {
  return make_error(errc::unavailable, "shard " + std::to_string(shard_)
                                         + " database connection is broken");
}

void commit_batcher::log_internal(const std::string& message) const {
  log::error("shard.sql_error",
             {{"shard", std::to_string(shard_)}, {"error", message}});
}

// Fails every reply still waiting for a commit: their batch was not
// committed (the commit failed, or the transaction dies with the
// connection).
void commit_batcher::fail_pending(const caf::error& reason) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& p : pending)
    p.fail(reason);
}

// The connection broke: answer everything held, then let the owner fail so
// that its supervisor restarts it (with backoff) on a fresh connection.
void commit_batcher::drop(const caf::error& reason) {
  dropped_ = true;
  store_.close();
  fail_pending(reason);
  hooks_.broken(reason);
}

void commit_batcher::abort(const caf::error& reason) {
  dropped_ = true;
  store_.close();
  fail_pending(reason);
}

// Opens the batch transaction if needed. Returns false (after dropping the
// connection) when the connection is broken.
bool commit_batcher::ensure_batch() {
  if (store_.in_batch())
    return true;
  if (dropped_) // quitting already
    return false;
  return !or_drop([this] {
    store_.begin_batch();
    writes_in_batch_ = 0;
    guarded_ = false;
    changed_in_batch_ = false;
  });
}

void commit_batcher::hold(pending_reply reply) {
  pending_.push_back(std::move(reply));
}

void commit_batcher::schedule_flush() {
  if (writes_in_batch_ >= static_cast<int64_t>(max_batch)) {
    flush();
    return;
  }
  if (!flush_scheduled_ && store_.in_batch()) {
    flush_scheduled_ = true;
    hooks_.schedule_flush();
  }
}

void commit_batcher::flush() {
  flush_scheduled_ = false;
  if (!store_.in_batch())
    return;
  try {
    store_.commit_batch();
  } catch (const std::exception& e) {
    auto failure = db::map_error(e);
    auto err = make_error(failure);
    if (failure.code == errc::unavailable || !store_.is_open()) {
      drop(err);
      return;
    }
    store_.abandon_batch();
    fail_pending(err);
    return;
  }
  if (batch_has_events_) {
    batch_has_events_ = false;
    hooks_.events_committed();
  }
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& p : pending)
    p.deliver();
}

// A write: with a savepoint once the batch ran again, else without (no
// round trip of its own before the op). A failure undoes only this write:
// back to its savepoint, or the batch is rolled back and run again.
std::optional<caf::error>
commit_batcher::apply(const std::function<void()>& run) {
  if (!ensure_batch())
    return broken_connection();
  bool savepoint = guarded_;
  if (auto err = or_drop([&] {
        store_.begin_write(epoch_, writes_in_batch_ == 0, savepoint);
        ++writes_in_batch_;
      }))
    return err;
  try {
    run_write(run);
    return std::nullopt;
  } catch (const std::exception& e) {
    auto x = db::map_error(e);
    auto dropped = savepoint ? or_drop([&] { store_.undo_write(); })
                             : run_again();
    if (dropped)
      return x.code == errc::unavailable ? *dropped : make_error(x);
    if (x.code == errc::internal)
      log_internal(x.message);
    return make_error(x);
  }
}

// One step of the batch's own bookkeeping (its start, a write's start, the
// undo of a failed write). If it fails the batch cannot continue, and nothing
// in it was acknowledged yet: the connection is dropped, and that error
// returned.
std::optional<caf::error>
commit_batcher::or_drop(const std::function<void()>& step) {
  try {
    step();
    return std::nullopt;
  } catch (const std::exception& e) {
    auto err = make_error(db::map_error(e));
    drop(err);
    return err;
  }
}

void commit_batcher::run_write(const std::function<void()>& run) {
  store_.take_events_written();
  run();
  if (store_.take_events_written())
    batch_has_events_ = true;
}

// A write without a savepoint failed, so the batch is rolled back and the
// writes held in it run again, each with a savepoint now, as do the
// batch's later writes. A write that fails on its second run is answered
// with that failure. Returns the error the connection was dropped with, if
// it had to be.
std::optional<caf::error> commit_batcher::run_again() {
  store_.abandon_batch();
  writes_in_batch_ = 0;
  batch_has_events_ = false;
  if (!store_.is_open()) {
    auto err = broken_connection();
    drop(err);
    return err;
  }
  if (pending_.empty())
    return std::nullopt; // the next write opens a new batch
  if (!ensure_batch())   // it dropped the connection
    return broken_connection();
  guarded_ = true;
  auto held = std::move(pending_);
  pending_.clear();
  for (size_t i = 0; i < held.size(); ++i) {
    auto err = apply(held[i].run);
    if (!err) {
      pending_.push_back(std::move(held[i]));
      continue;
    }
    held[i].fail(*err);
    if (dropped_) { // the others were not run again: none is committed
      for (size_t j = i + 1; j < held.size(); ++j)
        held[j].fail(*err);
      return err;
    }
  }
  return std::nullopt;
}

std::optional<caf::error>
commit_batcher::read(const std::function<void()>& op) {
  flush();
  if (dropped_) // the commit broke it
    return broken_connection();
  try {
    store_.read_alone(epoch_, op);
    return std::nullopt;
  } catch (const std::exception& e) {
    auto x = db::map_error(e);
    auto err = make_error(x);
    if (x.code == errc::unavailable || x.code == errc::fenced
        || !store_.is_open()) {
      drop(err);
      return err;
    }
    if (x.code == errc::internal)
      log_internal(x.message);
    return err;
  }
}

std::string commit_batcher::to_hex(const std::vector<char>& buf) {
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

std::vector<char> commit_batcher::from_hex(const std::string& hex) {
  std::vector<char> buf;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    buf.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return buf;
}

} // namespace lunch
