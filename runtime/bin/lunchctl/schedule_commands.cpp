// lunchctl schedule: list and trigger the cluster's schedules (the old
// Celery beat).

#include <string>

#include "runtime/bin/lunchctl/commands.hpp"

namespace lunch::ctl {

void setup_schedule(CLI::App& app, command& chosen) {
  auto sched = app.add_subcommand(
    "schedule", "the cluster's scheduler (the old Celery beat)");
  sched->require_subcommand(1);
  on_run(sched->add_subcommand("list",
                               "every schedule: when, next and last run (in "
                               "the scheduler's time zone), the active node"),
         chosen, [](session& s) {
           return ask_and_print<schedule_table>(s, print_schedules,
                                                sch_list_atom::value);
         });
  auto trigger = sched->add_subcommand(
    "trigger", "submit a schedule's job now (its slots are untouched)");
  auto name = std::make_shared<std::string>();
  trigger->add_option("NAME", *name, "the schedule")->required();
  on_run(trigger, chosen, [name](session& s) {
    return ask_and_print<job_record>(
      s,
      [&](const job_record& v) {
        std::cout << "job " << v.id << " (" << v.kind << ") queued for "
                  << *name << "\n";
      },
      sch_trig_atom::value, *name);
  });
}

} // namespace lunch::ctl
