#pragma once

// Fan-out/fan-in for event-based actors: issue n requests, get one callback
// with every answer in request order. No request is unbounded: each one is
// made by the caller with its own timeout.

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <caf/error.hpp>

namespace lunch {

template <class T>
struct answer {
  std::optional<T> value;
  caf::error error;
};

/// `issue(i, ok, fail)` starts request i and calls `ok(T&)` or
/// `fail(caf::error&)` once; `done` receives `std::vector<answer<T>>` once
/// all n answers are in.
template <class T, class Issue, class Done>
void gather_with(size_t n, Issue issue, Done done) {
  if (n == 0) {
    done(std::vector<answer<T>>{});
    return;
  }
  struct pending {
    std::vector<answer<T>> answers;
    size_t remaining;
    Done done;
  };
  auto st = std::make_shared<pending>(
    pending{std::vector<answer<T>>(n), n, std::move(done)});
  for (size_t i = 0; i < n; ++i)
    issue(
      i,
      [st, i](T& x) {
        st->answers[i].value = std::move(x);
        if (--st->remaining == 0)
          st->done(std::move(st->answers));
      },
      [st, i](caf::error& e) {
        st->answers[i].error = std::move(e);
        if (--st->remaining == 0)
          st->done(std::move(st->answers));
      });
}

/// `make(i)` issues request i and returns its response handle; `done`
/// receives `std::vector<answer<T>>` once all n answers are in.
template <class T, class MakeRequest, class Done>
void gather(size_t n, MakeRequest make, Done done) {
  gather_with<T>(
    n, [&make](size_t i, auto ok, auto fail) { make(i).then(ok, fail); },
    std::move(done));
}

} // namespace lunch
