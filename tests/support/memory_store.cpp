#include "tests/support/memory_store.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "runtime/db/map_error.hpp"

namespace lunch::testing {

namespace {

using db::domain_error;

[[noreturn]] void unmodelled(const char* what) {
  throw std::logic_error(std::string{"memory_store does not model "} + what);
}

std::string lower(std::string x) {
  std::transform(x.begin(), x.end(), x.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return x;
}

} // namespace

shard_store_factory memory_store_factory(std::shared_ptr<memory_db> db) {
  return [db](const shard_owner_settings&) {
    return std::make_unique<memory_store>(db);
  };
}

// -- the unit of work ------------------------------------------------------

void memory_store::open(int64_t epoch, const std::string& node) {
  if (!db_->reachable)
    throw std::runtime_error("memory database is unreachable");
  if (db_->fence_epoch > epoch)
    throw domain_error(
      errc::fenced, "fenced: shard " + std::to_string(db_->shard)
                      + " belongs to epoch " + std::to_string(db_->fence_epoch)
                      + " (" + db_->fence_owner + "), not "
                      + std::to_string(epoch));
  db_->fence_epoch = epoch;
  db_->fence_owner = node;
  open_ = true;
}

void memory_store::close() noexcept {
  abandon_batch();
  open_ = false;
}

void memory_store::check_fence(int64_t epoch) const {
  if (db_->fence_epoch != epoch)
    throw domain_error(
      errc::fenced, "fenced: shard " + std::to_string(db_->shard)
                      + " belongs to epoch " + std::to_string(db_->fence_epoch)
                      + ", not " + std::to_string(epoch));
}

void memory_store::begin_batch() {
  if (!open_)
    throw std::runtime_error("memory database connection is closed");
  work_ = db_->committed;
  savepoint_.reset();
}

void memory_store::begin_write(int64_t epoch, bool first_in_batch,
                               bool savepoint) {
  if (aborted_)
    throw std::runtime_error("current transaction is aborted");
  if (first_in_batch)
    check_fence(epoch);
  if (db_->on_write)
    db_->on_write();
  if (savepoint)
    savepoint_ = *work_;
}

void memory_store::undo_write() {
  if (!savepoint_)
    throw std::logic_error("undo_write: the write has no savepoint");
  work_ = savepoint_;
  aborted_ = false;
}

// As PostgreSQL does, an aborted transaction's commit rolls back.
void memory_store::commit_batch() {
  if (db_->on_commit)
    db_->on_commit();
  if (!aborted_)
    db_->committed = std::move(*work_);
  abandon_batch();
}

void memory_store::abandon_batch() noexcept {
  work_.reset();
  savepoint_.reset();
  aborted_ = false;
}

void memory_store::read_alone(int64_t epoch,
                              const std::function<void()>& body) {
  check_fence(epoch);
  work_ = db_->committed;
  reading_ = true;
  try {
    body();
  } catch (...) {
    reading_ = false;
    abandon_batch();
    throw;
  }
  reading_ = false;
  abandon_batch();
}

bool memory_store::take_events_written() {
  return std::exchange(events_written_, false);
}

memory_store::statement memory_store::tx(const char* call) {
  ++db_->calls[call];
  if (!work_)
    throw std::logic_error("memory_store used outside a transaction");
  if (aborted_)
    throw std::runtime_error("current transaction is aborted, commands "
                             "ignored until end of transaction block");
  return statement{*this, *work_};
}

void memory_store::emit(memory_tables& t, const events::draft& event) {
  t.outbox.push_back({db_->next_id++, event.entity, event.kind, event.payload,
                      memory_created_at});
  events_written_ = true;
}

int64_t memory_store::add_ledger_row(memory_tables& t, const std::string& user,
                                     int64_t points) {
  t.ledger.push_back({db_->next_id++, user, points});
  return t.ledger.back().id;
}

// -- users -------------------------------------------------------------------

user_lookup memory_store::load_user(const std::string& id) {
  auto t = tx("load_user");
  auto i = t->users.find(id);
  if (i == t->users.end())
    return {};
  return {true, i->second};
}

user_profile memory_store::insert_user(const user_profile& p) {
  auto t = tx("insert_user");
  if (t->users.count(p.employee_id) > 0)
    throw domain_error(errc::already_exists,
                       "user " + p.employee_id + " already exists");
  auto stored = p;
  stored.created_at = memory_created_at;
  t->users[p.employee_id] = stored;
  emit(*t, events::user_saved(stored, true));
  return stored;
}

user_profile memory_store::save_user(const user_profile& p) {
  auto t = tx("save_user");
  auto i = t->users.find(p.employee_id);
  if (i == t->users.end())
    throw domain_error(errc::not_found, "user " + p.employee_id + " not found");
  auto stored = p;
  stored.created_at = i->second.created_at;
  i->second = stored;
  emit(*t, events::user_saved(stored, false));
  return stored;
}

void memory_store::delete_user(const std::string& id) {
  auto t = tx("delete_user");
  if (t->users.erase(id) == 0)
    throw domain_error(errc::not_found, "user " + id + " not found");
  emit(*t, events::user_deleted(id));
}

points_mark memory_store::scan_points(const std::string& id) {
  auto t = tx("scan_points");
  points_mark mark{db_->shard, 0, 0};
  for (auto& r : t->ledger)
    if (r.employee_id == id) {
      mark.sum += r.points;
      mark.max_id = std::max(mark.max_id, r.id);
    }
  return mark;
}

std::vector<user_summary> memory_store::search(const std::string& term,
                                               int32_t limit) {
  auto t = tx("search");
  auto needle = lower(term);
  std::vector<user_summary> out;
  for (auto& [id, u] : t->users)
    if (lower(u.nickname).find(needle) != std::string::npos
        || lower(u.main_dish_genre).find(needle) != std::string::npos)
      out.push_back({id, u.nickname, u.main_dish_genre, db_->shard});
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
    return std::tie(a.nickname, a.employee_id)
           < std::tie(b.nickname, b.employee_id);
  });
  if (out.size() > static_cast<size_t>(limit))
    out.resize(static_cast<size_t>(limit));
  return out;
}

// -- the request log and the outbox ---------------------------------------

std::optional<std::string> memory_store::logged_reply(const std::string& id) {
  auto t = tx("logged_reply");
  auto i = t->request_log.find(id);
  if (i == t->request_log.end())
    return std::nullopt;
  return i->second;
}

void memory_store::log_reply(const std::string& id, const std::string& reply) {
  auto t = tx("log_reply");
  if (!t->request_log.emplace(id, reply).second)
    throw std::runtime_error("duplicate key in request_log: " + id);
}

std::vector<domain_event> memory_store::events_after(int64_t after,
                                                     int32_t limit) {
  auto t = tx("events_after");
  std::vector<domain_event> out;
  for (auto& e : t->outbox)
    if (e.id > after && out.size() < static_cast<size_t>(limit))
      out.push_back(e);
  return out;
}

std::vector<event_cursor> memory_store::event_cursors() {
  unmodelled("event cursors");
}

void memory_store::save_event_cursors(const std::vector<event_cursor>&) {
  unmodelled("event cursors");
}

// -- not modelled ------------------------------------------------------------

calendar_entry memory_store::insert_calendar_entry(const calendar_entry&) {
  unmodelled("the calendar");
}

std::vector<calendar_entry> memory_store::calendar_of(const std::string&) {
  unmodelled("the calendar");
}

calendar_entry memory_store::delete_calendar_entry(const std::string&,
                                                   int64_t) {
  unmodelled("the calendar");
}

bool memory_store::insert_notification(const notification&,
                                       const std::string&) {
  unmodelled("the inbox");
}

notification_batch
memory_store::insert_notifications(const std::vector<notification>&,
                                   const std::vector<std::string>&) {
  unmodelled("the inbox");
}

notification_inbox memory_store::inbox(const std::string&, bool) {
  unmodelled("the inbox");
}

notification memory_store::mark_notification_read(int64_t) {
  unmodelled("the inbox");
}

int64_t memory_store::mark_all_notifications_read(const std::string&) {
  unmodelled("the inbox");
}

void memory_store::delete_notification(int64_t) {
  unmodelled("the inbox");
}

int64_t memory_store::clear_read_notifications(const std::string&) {
  unmodelled("the inbox");
}

int64_t memory_store::delete_notifications_older_than(int32_t) {
  unmodelled("the inbox");
}

cleanup_counts memory_store::expire(const std::string&, int32_t) {
  unmodelled("the cleanup");
}

std::vector<analytics_counts>
memory_store::analytics_counts_of(const std::string&, const std::string&) {
  unmodelled("the analytics");
}

int64_t memory_store::store_analytics(const std::string&,
                                      const std::vector<analytics_counts>&,
                                      const std::string&) {
  unmodelled("the analytics");
}

user_analytics memory_store::analytics_of(const std::string&,
                                          const std::string&) {
  unmodelled("the analytics");
}

rec_shard_snapshot memory_store::rec_snapshot(const std::string&) {
  unmodelled("the recommendation snapshot");
}

} // namespace lunch::testing
