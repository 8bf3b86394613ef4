#include "runtime/bin/lunchctl/print_job.hpp"

#include <cstdio>
#include <iostream>

namespace lunch::ctl {

namespace {

using ojson = nlohmann::ordered_json;

ojson parsed_or_null(const std::string& text) {
  if (text.empty())
    return nullptr;
  return ojson::parse(text);
}

} // namespace

ojson to_json(const job_record& x) {
  return {{"job_id", x.id},
          {"kind", x.kind},
          {"state", x.state},
          {"args", parsed_or_null(x.args)},
          {"progress",
           {{"current", x.current}, {"total", x.total}, {"status", x.status}}},
          {"result",
           x.state == "succeeded" ? parsed_or_null(x.result) : ojson(nullptr)},
          {"error", x.error.empty() ? ojson(nullptr) : ojson(x.error)},
          {"attempts", x.attempts},
          {"max_attempts", x.max_attempts},
          {"node", x.owner.empty() ? ojson(nullptr) : ojson(x.owner)},
          {"cancel_requested", x.cancel_requested},
          {"submitted_at", x.submitted_at},
          {"started_at",
           x.started_at.empty() ? ojson(nullptr) : ojson(x.started_at)},
          {"finished_at",
           x.finished_at.empty() ? ojson(nullptr) : ojson(x.finished_at)}};
}

ojson to_json(const std::vector<job_record>& xs) {
  ojson out = ojson::array();
  for (auto& x : xs)
    out.push_back(to_json(x));
  return out;
}

ojson to_json(const std::vector<job_worker_stats>& xs) {
  ojson out = ojson::array();
  for (auto& x : xs)
    out.push_back({{"node", x.node},
                   {"running", x.running},
                   {"done", x.done},
                   {"failed", x.failed}});
  return out;
}

void print_job(const job_record& x) {
  std::cout << "job " << x.id << " (" << x.kind << "): " << x.state;
  if (x.total > 0 || x.current > 0)
    std::cout << ", " << x.current << "/" << x.total;
  if (!x.status.empty())
    std::cout << " - " << x.status;
  std::cout << '\n';
  if (!x.owner.empty())
    std::cout << "node " << x.owner << ", attempt " << x.attempts << " of "
              << x.max_attempts << '\n';
  if (x.state == "succeeded" && !x.result.empty())
    std::cout << "result " << x.result << '\n';
  if (!x.error.empty())
    std::cout << "error " << x.error << '\n';
}

void print_jobs(const std::vector<job_record>& xs) {
  std::printf("%-8s %-16s %-10s %-12s %-10s %s\n", "ID", "KIND", "STATE",
              "PROGRESS", "NODE", "SUBMITTED");
  for (auto& x : xs) {
    auto progress = std::to_string(x.current) + "/" + std::to_string(x.total);
    std::printf("%-8lld %-16s %-10s %-12s %-10s %s\n",
                static_cast<long long>(x.id), x.kind.c_str(), x.state.c_str(),
                progress.c_str(), x.owner.empty() ? "-" : x.owner.c_str(),
                x.submitted_at.c_str());
  }
}

void print_workers(const std::vector<job_worker_stats>& xs) {
  std::printf("%-12s %8s %8s %8s\n", "NODE", "RUNNING", "DONE", "FAILED");
  for (auto& x : xs)
    std::printf("%-12s %8lld %8lld %8lld\n", x.node.c_str(),
                static_cast<long long>(x.running),
                static_cast<long long>(x.done),
                static_cast<long long>(x.failed));
}

} // namespace lunch::ctl
