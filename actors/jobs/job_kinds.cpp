// The steps of each job kind (spec §5). Each step is a message exchange
// through this node's gateway; between steps the run reports its progress
// (which also tells it of a cancel or its soft limit). Steps are safe to
// repeat: a resumed job starts again from its recorded progress.

#include <algorithm>
#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/jobs/job_runner_state.hpp"
#include "actors/recommend/calendar_days.hpp"
#include "messages/errors.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

namespace {

using json = nlohmann::json;

// This node's gateway, which every step goes through; while it restarts
// there is none and the run fails (its kind's retries take it again).
router_actor gateway_or_fail(runner_ptr self, int64_t id, int64_t gen) {
  auto gateway = self->state.cfg.directory->gateway();
  if (!gateway)
    fail(self, id, gen, "the gateway is restarting");
  return gateway;
}

std::string today() {
  return rec::format_day(rec::today_in_seoul());
}

// -- noop: the dispatch benchmark's unit of work --------------------------

// Sleeps in steps of at most a second, reporting each, so a cancel or the
// soft limit is seen.
void noop_step(runner_ptr self, int64_t id, int64_t gen, int64_t done,
               int64_t total) {
  if (done >= total) {
    succeed(self, id, gen, R"({"status":"success"})");
    return;
  }
  auto step = std::min<int64_t>(total - done, 1000);
  after(self, id, gen, std::chrono::milliseconds(step), [=] {
    report(self, id, gen, done + step, total, "sleeping", "",
           [=] { noop_step(self, id, gen, done + step, total); });
  });
}

void run_noop(runner_ptr self, int64_t id, int64_t gen, const json& args) {
  noop_step(self, id, gen, 0, args.value("sleep_ms", int64_t{0}));
}

// -- notify: one inbox row per user (send_bulk_notifications_async) --------

json notify_result(const job_run& run) {
  auto total = static_cast<int64_t>(run.users.size());
  return {{"total_users", total},
          {"success_count", run.success},
          {"failed_count", run.failures},
          {"success_rate", jobs::success_rate(run.success, total)}};
}

void notify_batch(runner_ptr self, int64_t id, int64_t gen, json args) {
  auto run = run_of(self, id, gen);
  if (!run)
    return;
  auto total = static_cast<int64_t>(run->users.size());
  auto from = std::min(run->job.current, total);
  if (from >= total) {
    succeed(self, id, gen, notify_result(*run).dump());
    return;
  }
  auto to = std::min(total, from + args.at("batch").get<int64_t>());
  std::vector<notification> rows;
  std::vector<std::string> keys;
  for (auto i = from; i < to; ++i) {
    notification n;
    n.employee_id = run->users[static_cast<size_t>(i)];
    n.type = args.at("type").get<std::string>();
    n.title = args.at("title").get<std::string>();
    n.message = args.at("message").get<std::string>();
    n.related_id = args.at("related_id").get<int64_t>();
    n.related_type = args.at("related_type").get<std::string>();
    rows.push_back(std::move(n));
    // One row per job and user, however often this batch is sent.
    keys.push_back("job:" + std::to_string(id) + ":" + rows.back().employee_id);
  }
  auto gateway = gateway_or_fail(self, id, gen);
  if (!gateway)
    return;
  self
    ->request(gateway, self->state.cfg.timeout, ntf_add_atom::value, rows, keys,
              request_id{})
    .then(
      [=](std::vector<int64_t>& counts) {
        auto run = run_of(self, id, gen);
        if (!run)
          return;
        // {inserted, duplicates (sent before this run), missing users}
        run->success += counts.at(0) + counts.at(1);
        run->failures += counts.at(2);
        auto pause = args.at("pause_ms").get<int64_t>();
        report(self, id, gen, to, total,
               "sent " + std::to_string(to) + " of " + std::to_string(total),
               notify_result(*run).dump(), [=] {
                 if (pause == 0)
                   notify_batch(self, id, gen, args);
                 else
                   after(self, id, gen, std::chrono::milliseconds(pause),
                         [=] { notify_batch(self, id, gen, args); });
               });
      },
      [=](caf::error& err) { fail(self, id, gen, message_of(err)); });
}

void start_notify(runner_ptr self, int64_t id, int64_t gen, json args,
                  std::vector<std::string> users) {
  auto run = run_of(self, id, gen);
  if (!run)
    return;
  // A stable order, so a resumed run continues where the last one stopped.
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  run->users = std::move(users);
  if (run->job.current > 0 && !run->job.result.empty()) {
    auto partial = json::parse(run->job.result);
    run->success = partial.value("success_count", int64_t{0});
    run->failures = partial.value("failed_count", int64_t{0});
  } else {
    run->job.current = 0;
  }
  notify_batch(self, id, gen, std::move(args));
}

void run_notify(runner_ptr self, int64_t id, int64_t gen, json args) {
  if (args.at("users").is_array()) {
    auto users = args.at("users").get<std::vector<std::string>>();
    start_notify(self, id, gen, std::move(args), std::move(users));
    return;
  }
  // "all": every user of every shard, from the recommendation snapshot.
  auto gateway = gateway_or_fail(self, id, gen);
  if (!gateway)
    return;
  self
    ->request(gateway, self->state.cfg.timeout, rec_snapshot_atom::value,
              today())
    .then(
      [=](std::vector<rec_shard_snapshot>& shards) {
        std::vector<std::string> users;
        for (auto& s : shards)
          for (auto& u : s.users)
            users.push_back(u.employee_id);
        start_notify(self, id, gen, args, std::move(users));
      },
      [=](caf::error& err) { fail(self, id, gen, message_of(err)); });
}

// -- recommendations: a full build (generate_recommendation_cache_async) ----

void poll_build(runner_ptr self, int64_t id, int64_t gen, std::string build) {
  auto gateway = gateway_or_fail(self, id, gen);
  if (!gateway)
    return;
  self->request(gateway, self->state.cfg.timeout, rec_prog_atom::value, build)
    .then(
      [=](rec_progress& p) {
        if (p.state == "failed") {
          fail(self, id, gen, "build " + build + ": " + p.error);
          return;
        }
        if (p.state == "done") {
          succeed(self, id, gen,
                  json{{"status", "success"},
                       {"build_id", p.build_id},
                       {"users", p.users_done},
                       {"entries", p.entries},
                       {"elapsed_ms", p.elapsed_ms}}
                    .dump());
          return;
        }
        report(self, id, gen, p.users_done, p.users_total,
               "build " + build + ": " + std::to_string(p.shards_done) + " of "
                 + std::to_string(p.shards_total) + " shards",
               "", [=] {
                 after(self, id, gen, std::chrono::milliseconds(250),
                       [=] { poll_build(self, id, gen, build); });
               });
      },
      [=](caf::error& err) { fail(self, id, gen, message_of(err)); });
}

void run_recommendations(runner_ptr self, int64_t id, int64_t gen,
                         const json& args) {
  auto gateway = gateway_or_fail(self, id, gen);
  if (!gateway)
    return;
  rec_build_spec spec;
  spec.from = args.value("from", std::string{});
  spec.days = args.at("days").get<int32_t>();
  self->request(gateway, self->state.cfg.timeout, rec_build_atom::value, spec)
    .then([=](rec_progress& p) { poll_build(self, id, gen, p.build_id); },
          [=](caf::error& err) { fail(self, id, gen, message_of(err)); });
}

// -- cleanup and user analytics: one gateway request each -------------------

void run_cleanup(runner_ptr self, int64_t id, int64_t gen, const json& args) {
  auto gateway = gateway_or_fail(self, id, gen);
  if (!gateway)
    return;
  // The request id makes a retried or resumed run apply once per shard.
  self
    ->request(gateway, self->state.cfg.timeout, mnt_clean_atom::value,
              args.value("today", today()),
              request_id{"job:" + std::to_string(id)})
    .then(
      [=](std::vector<cleanup_counts>& shards) {
        int64_t parties = 0;
        int64_t notifications = 0;
        for (auto& c : shards) {
          parties += c.parties;
          notifications += c.notifications;
        }
        succeed(self, id, gen,
                json{{"expired_parties", parties},
                     {"expired_notifications", notifications},
                     {"total_cleared", parties + notifications}}
                  .dump());
      },
      [=](caf::error& err) { fail(self, id, gen, message_of(err)); });
}

void run_analytics(runner_ptr self, int64_t id, int64_t gen, const json& args) {
  auto gateway = gateway_or_fail(self, id, gen);
  if (!gateway)
    return;
  auto day = args.value("date", today());
  self
    ->request(gateway, self->state.cfg.timeout, mnt_analytics_atom::value, day,
              args.value("user", std::string{}),
              request_id{"job:" + std::to_string(id)})
    .then(
      [=](analytics_summary& s) {
        succeed(self, id, gen,
                json{{"status", "success"}, {"date", day}, {"users", s.users}}
                  .dump());
      },
      [=](caf::error& err) { fail(self, id, gen, message_of(err)); });
}

} // namespace

void start_kind(runner_ptr self, int64_t id, int64_t gen) {
  auto run = run_of(self, id, gen);
  auto args = json::parse(run->job.args);
  auto& kind = run->job.kind;
  if (kind == "notify")
    run_notify(self, id, gen, std::move(args));
  else if (kind == "recommendations")
    run_recommendations(self, id, gen, args);
  else if (kind == "cleanup")
    run_cleanup(self, id, gen, args);
  else if (kind == "user-analytics")
    run_analytics(self, id, gen, args);
  else
    run_noop(self, id, gen, args);
}

} // namespace lunch
