#pragma once

// The ids that travel in messages, each its own type: a user's key, a
// party's id and a write's request id cannot be passed for one another,
// and no two signatures differ only by a bare string or integer.
// CAF-free; `messages/inspect.hpp` adds the serialisation.

#include <cstdint>
#include <functional>
#include <string>

namespace lunch {

/// A user's employee id: the key a user is routed and stored by.
struct user_key {
  std::string value;
};

/// A party's id (its slot is in the id: parties route like their host).
struct party_id {
  int64_t value = 0;
};

/// A write's request id: applied at most once per id. Empty: none (the
/// write is not retried after a failover).
struct request_id {
  std::string value;
  bool empty() const {
    return value.empty();
  }
};

#define LUNCH_ID_COMPARISONS(T)                                                \
  inline bool operator==(const T& x, const T& y) {                             \
    return x.value == y.value;                                                 \
  }                                                                            \
  inline bool operator!=(const T& x, const T& y) {                             \
    return x.value != y.value;                                                 \
  }                                                                            \
  inline bool operator<(const T& x, const T& y) {                              \
    return x.value < y.value;                                                  \
  }

LUNCH_ID_COMPARISONS(user_key)
LUNCH_ID_COMPARISONS(party_id)
LUNCH_ID_COMPARISONS(request_id)

#undef LUNCH_ID_COMPARISONS

inline std::string to_string(party_id x) {
  return std::to_string(x.value);
}

} // namespace lunch

namespace std {

template <>
struct hash<lunch::user_key> {
  size_t operator()(const lunch::user_key& x) const noexcept {
    return hash<string>{}(x.value);
  }
};

template <>
struct hash<lunch::party_id> {
  size_t operator()(lunch::party_id x) const noexcept {
    return hash<int64_t>{}(x.value);
  }
};

template <>
struct hash<lunch::request_id> {
  size_t operator()(const lunch::request_id& x) const noexcept {
    return hash<string>{}(x.value);
  }
};

} // namespace std
