#include "actors/jobs/job_runner.hpp"

#include <caf/all.hpp>

#include "actors/jobs/job_runner_state.hpp"
#include "messages/errors.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/instance_token.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

namespace {

// Jobs finished are written together: at most this many per transaction.
constexpr size_t max_flush = 512;

const jobs::kind_policy& policy_of(runner_ptr self, const std::string& kind) {
  return self->state.cfg.policies.at(kind);
}

void claim(runner_ptr self);

void flush(runner_ptr self) {
  auto& st = self->state;
  if (st.flushing || st.finished.empty())
    return;
  st.flushing = true;
  std::vector<job_outcome> batch;
  auto n = std::min(st.finished.size(), max_flush);
  batch.assign(std::make_move_iterator(st.finished.begin()),
               std::make_move_iterator(st.finished.begin() + n));
  st.finished.erase(st.finished.begin(), st.finished.begin() + n);
  self->request(st.db, st.cfg.timeout, jdb_finish_atom::value, st.runner, batch)
    .then(
      [=](bool) {
        self->state.flushing = false;
        flush(self);
      },
      [=](caf::error& err) {
        // Written again with the next flush; the lease keeps the jobs ours
        // meanwhile (the beat goes on).
        auto& st = self->state;
        st.flushing = false;
        st.finished.insert(st.finished.begin(), batch.begin(), batch.end());
        log::warn("jobs.finish_failed", {{"error", message_of(err)}});
      });
}

void end_run(runner_ptr self, job_outcome outcome) {
  auto& st = self->state;
  st.runs.erase(outcome.id);
  st.finished.push_back(std::move(outcome));
  // Behind whatever else is queued: runs ending together share a commit.
  self->send(self, job_flush_atom::value);
  claim(self);
}

void start_run(runner_ptr self, job_record job) {
  auto& st = self->state;
  auto id = job.id;
  auto gen = st.next_generation++;
  st.runs[id] = job_run{
    std::move(job), gen, std::chrono::steady_clock::now(), "", false, {}, 0, 0,
    nullptr};
  try {
    start_kind(self, id, gen);
  } catch (const std::exception& e) {
    fail(self, id, gen, e.what());
  }
}

void claim(runner_ptr self) {
  auto& st = self->state;
  auto free = st.cfg.workers - static_cast<int32_t>(st.runs.size());
  if (free <= 0)
    return;
  if (st.claiming) {
    st.claim_again = true;
    return;
  }
  st.claiming = true;
  st.claim_again = false;
  self
    ->request(st.db, st.cfg.timeout, jdb_claim_atom::value, st.cfg.node,
              st.runner, free)
    .then(
      [=](std::vector<job_record>& claimed) {
        self->state.claiming = false;
        for (auto& job : claimed)
          start_run(self, std::move(job));
        // A full claim may leave more waiting.
        if (!claimed.empty() || self->state.claim_again)
          claim(self);
      },
      [=](caf::error& err) {
        self->state.claiming = false;
        log::warn("jobs.claim_failed", {{"error", message_of(err)}});
      });
}

} // namespace

job_run* run_of(runner_ptr self, int64_t id, int64_t gen) {
  auto i = self->state.runs.find(id);
  if (i == self->state.runs.end() || i->second.generation != gen)
    return nullptr;
  return &i->second;
}

void succeed(runner_ptr self, int64_t id, int64_t gen, std::string result) {
  if (!run_of(self, id, gen))
    return;
  end_run(self, {id, jobs::succeeded, std::move(result), "", -1});
}

void fail(runner_ptr self, int64_t id, int64_t gen, std::string error) {
  auto run = run_of(self, id, gen);
  if (!run)
    return;
  auto& job = run->job;
  log::warn("jobs.run_failed", {{"job", std::to_string(id)},
                                {"kind", job.kind},
                                {"attempt", std::to_string(job.attempts)},
                                {"error", error}});
  if (job.attempts < job.max_attempts) {
    auto delay = jobs::retry_delay_ms(policy_of(self, job.kind), job.attempts);
    end_run(self, {id, jobs::pending, "", std::move(error), delay});
  } else {
    end_run(self, {id, jobs::failed, "", std::move(error), -1});
  }
}

void report(runner_ptr self, int64_t id, int64_t gen, int64_t current,
            int64_t total, std::string status, std::string partial,
            std::function<void()> next) {
  auto run = run_of(self, id, gen);
  if (!run)
    return;
  run->job.current = current;
  run->job.total = total;
  auto& st = self->state;
  self
    ->request(st.db, st.cfg.timeout, jdb_prog_atom::value, st.runner, id,
              current, total, std::move(status), std::move(partial))
    .then(
      [=](int32_t code) {
        auto run = run_of(self, id, gen);
        if (!run)
          return;
        if (code == 2) { // no longer ours: another runner resumes it
          self->state.runs.erase(id);
          claim(self);
          return;
        }
        if (code == 1 && run->stop.empty()) {
          run->stop = "cancelled";
          run->stop_cancels = true;
        }
        if (!run->stop.empty()) {
          if (run->stop_cancels)
            end_run(self, {id, jobs::cancelled, "", "cancelled", -1});
          else
            fail(self, id, gen, run->stop);
          return;
        }
        next();
      },
      [=](caf::error& err) { fail(self, id, gen, message_of(err)); });
}

namespace {

// The time limits, checked with every beat (so to within a second): past
// the soft limit a run is told to stop at its next step; past the hard
// limit it is abandoned. No timer per job: most jobs end long before.
void check_limits(runner_ptr self) {
  auto now = std::chrono::steady_clock::now();
  std::vector<std::pair<int64_t, int64_t>> abandoned;
  for (auto& [id, run] : self->state.runs) {
    auto& policy = policy_of(self, run.job.kind);
    auto ran
      = std::chrono::duration_cast<std::chrono::milliseconds>(now - run.started)
          .count();
    if (ran >= policy.hard_limit_ms)
      abandoned.emplace_back(id, run.generation);
    else if (ran >= policy.soft_limit_ms && run.stop.empty())
      run.stop = "soft time limit (" + std::to_string(policy.soft_limit_ms)
                 + " ms) exceeded";
  }
  for (auto [id, gen] : abandoned) {
    auto& policy = policy_of(self, self->state.runs.at(id).job.kind);
    fail(self, id, gen,
         "hard time limit (" + std::to_string(policy.hard_limit_ms)
           + " ms) exceeded");
  }
}

} // namespace

void after(runner_ptr self, int64_t id, int64_t gen, caf::timespan delay,
           std::function<void()> step) {
  auto run = run_of(self, id, gen);
  if (!run)
    return;
  run->resume = std::move(step);
  self->delayed_send(self, delay, job_step_atom::value, id, gen);
}

namespace {

job_runner_actor::behavior_type runner(runner_ptr self,
                                       job_runner_settings cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.runner = instance_token(st.cfg.node);
  st.db = spawn_job_db(self, st.cfg.catalog);
  answer_crashes(self, node_directory::job_runner_name);
  self->send(self, job_tick_atom::value);
  self->send(self, job_beat_atom::value);
  auto submit_checked = [=](const std::string& kind, const std::string& args,
                            std::string& normalized) -> caf::error {
    if (auto r = jobs::normalize_args(kind, args, normalized); !r.ok())
      return make_error(r);
    return {};
  };
  return {
    [=](job_submit_atom a, const std::string& kind,
        const std::string& args) -> caf::result<job_record> {
      std::string normalized;
      if (auto err = submit_checked(kind, args, normalized))
        return err;
      auto rp = self->make_response_promise<job_record>();
      auto& st = self->state;
      self
        ->request(st.db, st.cfg.timeout, a, kind, normalized,
                  policy_of(self, kind).max_attempts)
        .then(
          [=](job_record& job) mutable {
            rp.deliver(job);
            claim(self);
          },
          [=](caf::error& err) mutable { rp.deliver(err); });
      return rp;
    },
    [=](job_submit_atom a, const std::string& kind, const std::string& args,
        int32_t count) -> caf::result<std::vector<int64_t>> {
      if (count < 1 || count > 1000000)
        return make_error(errc::invalid_argument,
                          "count: must be between 1 and 1000000");
      std::string normalized;
      if (auto err = submit_checked(kind, args, normalized))
        return err;
      auto rp = self->make_response_promise<std::vector<int64_t>>();
      auto& st = self->state;
      self
        ->request(st.db, st.cfg.timeout, a, kind, normalized,
                  policy_of(self, kind).max_attempts, count)
        .then(
          [=](std::vector<int64_t>& ids) mutable {
            rp.deliver(ids);
            claim(self);
          },
          [=](caf::error& err) mutable { rp.deliver(err); });
      return rp;
    },
    [=](job_status_atom a, int64_t id) {
      return self->delegate(self->state.db, a, id);
    },
    [=](job_cancel_atom a, int64_t id) {
      return self->delegate(self->state.db, a, id);
    },
    [=](job_list_atom a, bool active, int32_t limit) {
      return self->delegate(self->state.db, a, active, limit);
    },
    [=](job_workers_atom a) { return self->delegate(self->state.db, a); },
    [=](job_tick_atom) {
      claim(self);
      self->delayed_send(self, self->state.cfg.poll, job_tick_atom::value);
    },
    [=](job_beat_atom) {
      check_limits(self);
      auto& st = self->state;
      // The beat also brings the cancels asked since: a run waiting
      // between steps ends at once.
      if (!st.runs.empty())
        self->request(st.db, st.cfg.timeout, jdb_beat_atom::value, st.runner)
          .then(
            [=](std::vector<int64_t>& cancelled) {
              for (auto id : cancelled)
                if (self->state.runs.count(id) > 0)
                  end_run(self, {id, jobs::cancelled, "", "cancelled", -1});
            },
            [](caf::error&) {});
      auto lease_ms
        = std::chrono::duration_cast<std::chrono::milliseconds>(st.cfg.lease)
            .count();
      self
        ->request(st.db, st.cfg.timeout, jdb_recov_atom::value,
                  static_cast<int64_t>(lease_ms))
        .then(
          [=](std::vector<int64_t>& ids) {
            for (auto id : ids)
              log::warn("jobs.resumed", {{"job", std::to_string(id)}});
            if (!ids.empty())
              claim(self);
          },
          [](caf::error&) {});
      self->delayed_send(self, std::chrono::seconds(1), job_beat_atom::value);
    },
    [=](job_flush_atom) { flush(self); },
    [=](job_step_atom, int64_t id, int64_t gen) {
      if (auto run = run_of(self, id, gen); run && run->resume) {
        auto step = std::move(run->resume);
        run->resume = nullptr;
        step();
      }
    },

  };
}

} // namespace

caf::actor spawn_job_runner(caf::local_actor* parent,
                            job_runner_settings settings) {
  return caf::actor_cast<caf::actor>(
    parent->spawn(runner, std::move(settings)));
}

} // namespace lunch
