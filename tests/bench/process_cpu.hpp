#pragma once

// CPU time of other processes on this machine (the node, the database), read
// from /proc, so a benchmark can report CPU per operation beside its rates:
// on a shared machine other tenants swing the rates by 20% either way, while
// the CPU a process spends per operation barely moves.

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <sys/types.h>
#include <unistd.h>

namespace lunch::bench {

/// utime + stime of `pid` in clock ticks; 0 if it is gone.
inline int64_t cpu_ticks_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  // The command name (field 2) may hold spaces: count fields after its ')'.
  auto close = stat.rfind(')');
  if (close == std::string::npos)
    return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  int64_t utime = 0, stime = 0;
  // Field 3 (state) is the first after ')'; utime and stime are 14 and 15.
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14)
      utime = std::stoll(field);
    else if (i == 15)
      stime = std::stoll(field);
  }
  return utime + stime;
}

/// `pid` and its direct children (a postmaster and its backends).
inline std::vector<pid_t> with_children(pid_t pid) {
  std::vector<pid_t> pids{pid};
  auto id = std::to_string(pid);
  std::ifstream in("/proc/" + id + "/task/" + id + "/children");
  pid_t child = 0;
  while (in >> child)
    pids.push_back(child);
  return pids;
}

/// CPU ticks per process at one moment, of a set of watched processes.
using cpu_sample = std::map<pid_t, int64_t>;

inline cpu_sample sample_cpu(const std::vector<pid_t>& roots, bool children) {
  cpu_sample s;
  for (auto root : roots)
    for (auto pid : children ? with_children(root) : std::vector<pid_t>{root})
      s[pid] = cpu_ticks_of(pid);
  return s;
}

/// Milliseconds of CPU spent between two samples by the processes alive at
/// `end` (a process that started in between counts from zero; one that
/// ended in between is lost, which a long-lived node or pool never does).
inline double cpu_ms_between(const cpu_sample& start, const cpu_sample& end) {
  int64_t ticks = 0;
  for (auto& [pid, t] : end) {
    auto i = start.find(pid);
    ticks += t - (i == start.end() ? 0 : i->second);
  }
  return 1000.0 * static_cast<double>(ticks)
         / static_cast<double>(sysconf(_SC_CLK_TCK));
}

} // namespace lunch::bench
