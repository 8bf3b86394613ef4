// lunchctl job: submit, status, cancel, list, workers (the old Celery
// tasks, run by the cluster's job runners).

#include <string>
#include <vector>

#include "runtime/bin/lunchctl/commands.hpp"

namespace lunch::ctl {

namespace {

/// The job arguments: --args, with the shorthand flags filled in.
struct job_arguments {
  std::string kind;
  std::string args;
  std::vector<std::string> users;
  std::string title;
  std::string message;
  std::string user;
  std::string date;

  // Throws a usage error for --args that is not a JSON object.
  std::string to_text() const {
    auto doc = args.empty() ? nlohmann::json::object()
                            : nlohmann::json::parse(args, nullptr, false);
    if (!doc.is_object())
      throw CLI::ValidationError("--args", "must be a JSON object");
    if (!users.empty())
      doc["users"] = users;
    if (!title.empty())
      doc["title"] = title;
    if (!message.empty())
      doc["message"] = message;
    if (!user.empty())
      doc["user"] = user;
    if (!date.empty())
      doc[kind == "cleanup"           ? "today"
          : kind == "recommendations" ? "from"
                                      : "date"]
        = date;
    return doc.dump();
  }
};

// Queues `count` jobs; one prints as the job, more as their id range.
int submit(session& s, const std::string& kind, const std::string& args,
           int32_t count) {
  if (count > 1)
    return s
      .ask<std::vector<int64_t>>(job_submit_atom::value, kind, args, count)
      .then([&](const std::vector<int64_t>& ids) {
        return s.print(nlohmann::ordered_json{{"first_job_id", ids.at(0)},
                                              {"last_job_id", ids.at(1)}},
                       [&] {
                         std::cout << "jobs " << ids.at(0) << ".." << ids.at(1)
                                   << " queued\n";
                       });
      });
  return ask_and_print<job_record>(
    s,
    [](const job_record& v) {
      std::cout << "job " << v.id << " (" << v.kind << ") queued\n";
    },
    job_submit_atom::value, kind, args);
}

void add_submit(CLI::App* job, command& chosen) {
  auto cmd = job->add_subcommand(
    "submit", "queue a job; prints its id at once (KIND: recommendations, "
              "user-analytics, cleanup, notify, noop)");
  auto a = std::make_shared<job_arguments>();
  auto count = std::make_shared<int32_t>(1);
  cmd->add_option("KIND", a->kind, "the job kind")->required();
  cmd->add_option("--args", a->args,
                  "the arguments as a JSON object (docs/lunchctl.md)");
  cmd->add_option("--users", a->users, "notify: these users (default all)")
    ->delimiter(',');
  cmd->add_option("--title", a->title, "notify: the title");
  cmd->add_option("--message", a->message, "notify: the message");
  cmd->add_option("--user", a->user, "user-analytics: only this user");
  cmd
    ->add_option("--date", a->date,
                 "user-analytics: the day; cleanup: today; "
                 "recommendations: the first day")
    ->check(iso_date);
  cmd
    ->add_option("--count", *count,
                 "queue COUNT identical jobs at once; prints the id range")
    ->check(CLI::Range(1, 1000000));
  cmd->callback([&chosen, a, count] {
    auto kind = a->kind;
    auto text = a->to_text();
    chosen = [kind, text, count](session& s) {
      return submit(s, kind, text, *count);
    };
  });
}

/// job status / cancel: an id in, the job out.
template <class Atom>
void add_job_id_command(CLI::App* job, command& chosen, const char* name,
                        const char* what) {
  auto cmd = job->add_subcommand(name, what);
  auto id = std::make_shared<int64_t>();
  cmd->add_option("ID", *id, "job id")->required()->check(positive_id);
  on_run(cmd, chosen, [id](session& s) {
    return ask_and_print<job_record>(s, print_job, Atom::value, *id);
  });
}

} // namespace

void setup_job(CLI::App& app, command& chosen) {
  auto job = app.add_subcommand("job",
                                "background jobs (the old Celery tasks)");
  job->require_subcommand(1);
  add_submit(job, chosen);
  add_job_id_command<job_status_atom>(job, chosen, "status",
                                      "a job's state, progress and result");
  add_job_id_command<job_cancel_atom>(
    job, chosen, "cancel", "cancel a pending job, stop a running one");
  {
    auto cmd = job->add_subcommand("list", "jobs, newest first");
    auto active = std::make_shared<bool>(false);
    auto limit = std::make_shared<int32_t>(50);
    cmd->add_flag("--active", *active, "only pending and running ones");
    cmd->add_option("--limit", *limit, "at most N")
      ->check(CLI::Range(1, 10000));
    on_run(cmd, chosen, [active, limit](session& s) {
      return ask_and_print<std::vector<job_record>>(
        s, print_jobs, job_list_atom::value, *active, *limit);
    });
  }
  on_run(job->add_subcommand("workers", "jobs per node: running, done, failed"),
         chosen, [](session& s) {
           return ask_and_print<std::vector<job_worker_stats>>(
             s, print_workers, job_workers_atom::value);
         });
}

} // namespace lunch::ctl
