#include "runtime/bin/lunchctl/print_schedule.hpp"

#include <cstdio>

namespace lunch::ctl {

nlohmann::ordered_json to_json(const schedule_table& x) {
  auto rows = nlohmann::ordered_json::array();
  for (const auto& s : x.schedules) {
    nlohmann::ordered_json args = nlohmann::json::parse(s.args, nullptr, false);
    rows.push_back(
      {{"name", s.name},
       {"kind", s.kind},
       {"args", args.is_discarded() ? nlohmann::ordered_json{} : args},
       {"when", s.when},
       {"next_run", s.next_run},
       {"last_slot", s.last_slot},
       {"last_job", s.last_job},
       {"last_run", s.last_run},
       {"last_run_job", s.last_run_job},
       {"fired", s.fired},
       {"manual_runs", s.manual}});
  }
  return {{"timezone", x.timezone},
          {"owner", x.owner},
          {"lease_left_ms", x.lease_left_ms},
          {"schedules", rows}};
}

void print_schedules(const schedule_table& x) {
  if (x.owner.empty())
    std::printf("active scheduler: none (the lease is free; a node takes it "
                "within its tick)\n");
  else
    std::printf("active scheduler: %s (time zone %s)\n", x.owner.c_str(),
                x.timezone.c_str());
  std::printf("%-28s %-16s %-16s %-24s %-24s %6s\n", "NAME", "KIND", "WHEN",
              "NEXT RUN", "LAST RUN", "JOB");
  for (const auto& s : x.schedules) {
    auto last = s.last_run.empty() ? std::string{"-"} : s.last_run;
    auto job = s.last_run_job > 0 ? std::to_string(s.last_run_job)
                                  : std::string{"-"};
    std::printf("%-28s %-16s %-16s %-24s %-24s %6s\n", s.name.c_str(),
                s.kind.c_str(), s.when.c_str(), s.next_run.c_str(),
                last.c_str(), job.c_str());
  }
}

} // namespace lunch::ctl
