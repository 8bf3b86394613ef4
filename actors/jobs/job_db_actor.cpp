#include "actors/jobs/job_db_actor.hpp"

#include <caf/all.hpp>

#include "actors/jobs/job_rules.hpp"
#include "actors/jobs/job_store.hpp"
#include "messages/errors.hpp"
#include "runtime/db/reconnecting.hpp"

namespace lunch {

namespace {

struct job_db_state {
  db::reconnecting_connection db;
  static inline const char* name = "lunch.job_db";
};

using self_ptr = job_db_actor::stateful_pointer<job_db_state>;

job_db_actor::behavior_type job_db(self_ptr self, std::string dsn) {
  self->state.db = db::reconnecting_connection{std::move(dsn), 5000, "jobs.db"};
  return {
    [=](job_submit_atom, const std::string& kind, const std::string& args,
        int32_t max_attempts) {
      return self->state.db.run<job_record>([&](auto& tx) {
        auto ids = jobs::submit(tx, kind, args, max_attempts, 1);
        return jobs::get(tx, ids.first);
      });
    },
    [=](job_submit_atom, const std::string& kind, const std::string& args,
        int32_t max_attempts, int32_t count) {
      return self->state.db.run<std::vector<int64_t>>([&](auto& tx) {
        auto ids = jobs::submit(tx, kind, args, max_attempts, count);
        return std::vector<int64_t>{ids.first, ids.second};
      });
    },
    [=](job_status_atom, int64_t id) {
      return self->state.db.run<job_record>(
        [&](auto& tx) { return jobs::get(tx, id); });
    },
    [=](job_cancel_atom, int64_t id) {
      return self->state.db.run<job_record>(
        [&](auto& tx) { return jobs::cancel(tx, id); });
    },
    [=](job_list_atom, bool active, int32_t limit) {
      return self->state.db.run<std::vector<job_record>>(
        [&](auto& tx) { return jobs::list(tx, active, limit); });
    },
    [=](job_workers_atom) {
      return self->state.db.run<std::vector<job_worker_stats>>(
        [&](auto& tx) { return jobs::workers(tx); });
    },
    [=](jdb_claim_atom, const std::string& node, const std::string& runner,
        int32_t limit) {
      return self->state.db.run<std::vector<job_record>>(
        [&](auto& tx) { return jobs::claim(tx, node, runner, limit); });
    },
    [=](jdb_prog_atom, const std::string& runner, int64_t id, int64_t current,
        int64_t total, const std::string& status, const std::string& partial) {
      return self->state.db.run<int32_t>([&](auto& tx) {
        bool held = false;
        bool cancel = jobs::progress(tx, runner, id, current, total, status,
                                     partial, held);
        return held ? (cancel ? 1 : 0) : 2;
      });
    },
    [=](jdb_finish_atom, const std::string& runner,
        const std::vector<job_outcome>& outcomes) {
      return self->state.db.run<bool>([&](auto& tx) {
        std::vector<jobs::ended_run> ended;
        for (auto& o : outcomes)
          if (o.retry_delay_ms >= 0)
            jobs::retry(tx, runner, o.id, o.error, o.retry_delay_ms);
          else
            ended.push_back({o.id, o.state, o.result, o.error});
        if (!ended.empty())
          jobs::finish(tx, runner, ended);
        return true;
      });
    },
    [=](jdb_beat_atom, const std::string& runner) {
      return self->state.db.run<std::vector<int64_t>>(
        [&](auto& tx) { return jobs::heartbeat(tx, runner); });
    },
    [=](jdb_recov_atom, int64_t lease_ms) {
      return self->state.db.run<std::vector<int64_t>>(
        [&](auto& tx) { return jobs::recover(tx, lease_ms); });
    },
  };
}

} // namespace

job_db_actor spawn_job_db(caf::local_actor* parent, std::string dsn) {
  return parent->spawn<caf::detached + caf::linked>(job_db, std::move(dsn));
}

} // namespace lunch
