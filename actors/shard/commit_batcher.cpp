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
  try {
    store_.begin_batch();
    writes_in_batch_ = 0;
    return true;
  } catch (const std::exception& e) {
    drop(make_error(db::map_error(e)));
    return false;
  }
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

std::optional<caf::error>
commit_batcher::apply(const std::function<void()>& op) {
  if (!ensure_batch())
    return broken_connection();
  try {
    store_.begin_write(epoch_, writes_in_batch_ == 0);
    ++writes_in_batch_;
  } catch (const std::exception& e) {
    auto err = make_error(db::map_error(e));
    drop(err);
    return err;
  }
  try {
    store_.take_events_written();
    op();
    if (store_.take_events_written())
      batch_has_events_ = true;
    return std::nullopt;
  } catch (const std::exception& e) {
    auto x = db::map_error(e);
    try {
      store_.undo_write();
    } catch (const std::exception& again) {
      // The batch cannot continue: nothing in it was acknowledged yet.
      auto err = make_error(db::map_error(again));
      drop(err);
      return x.code == errc::unavailable ? err : make_error(x);
    }
    if (x.code == errc::internal)
      log_internal(x.message);
    return make_error(x);
  }
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
