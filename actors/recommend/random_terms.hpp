#pragma once

// The random terms of the recommendation scores (docs/recommend.md "Random
// terms"). Counter-based: a term depends only on the seed, the date and the
// users it is for, so a build gives the same result on any node, in any
// partitioning, and in the Python reference. Seed 0 turns every term off.

#include <cstdint>
#include <string_view>

namespace lunch::rec {

/// The splitmix64 finaliser.
inline uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// FNV-1a 64 of the bytes of `s`.
inline uint64_t fnv(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// The top 53 bits of a mixed word as a double in [0, 1).
inline double to_unit(uint64_t h) {
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

/// unit(seed, a, b, c) in [0, 1); 0 when the seed is 0.
inline double unit(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  if (seed == 0)
    return 0.0;
  return to_unit(mix(mix(mix(seed ^ a) ^ b) ^ c));
}

/// Smart recommendations (§4.2): Uniform(0, 50) for requester u, candidate
/// v on day `day` (days since 1970-01-01), from the hashes of their ids.
inline double smart_term(uint64_t seed, int64_t day, uint64_t u, uint64_t v) {
  return 50.0 * unit(seed, static_cast<uint64_t>(day), u, v);
}

/// Daily recommendations (§4.3): the stable per-day value of candidate v
/// that the old app's salted `hash(T + v)` was meant to be (§11.9).
inline double daily_term(uint64_t seed, int64_t day, uint64_t v) {
  return unit(seed, static_cast<uint64_t>(day), fnv("daily"), v);
}

} // namespace lunch::rec
