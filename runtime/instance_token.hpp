#pragma once

// A name for one run of an actor that holds leases in the catalog (a job
// runner, the scheduler): "<node>-<12 hex digits>", random per run, so a
// restarted actor never takes its predecessor's lease for its own.

#include <cstdint>
#include <random>
#include <string>

namespace lunch {

inline std::string instance_token(const std::string& node) {
  std::random_device rd;
  std::mt19937_64 gen{(static_cast<uint64_t>(rd()) << 32) ^ rd()};
  static const char* hex = "0123456789abcdef";
  std::string s = node + "-";
  for (int i = 0; i < 12; ++i)
    s += hex[gen() % 16];
  return s;
}

} // namespace lunch
