#pragma once

// One connection to one node's published gateway, and the prelude every
// command goes through: ask (with the timeout), then either print the
// answer (text, or one JSON document with --json) or report the error
// with its exit code (exit_codes.hpp).
//
//   return s.ask<user_view>(usr_get_atom::value, id).then([&](auto& v) {
//     return s.print(to_json(v), [&] { print_user(v); });
//   });

#include <chrono>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>

#include "messages/errors.hpp"
#include "messages/gateway_protocol.hpp"
#include "runtime/bin/lunchctl/exit_codes.hpp"
#include "runtime/bin/lunchctl/repeatable.hpp"

namespace lunch::ctl {

/// The global flags: whom to ask and how to answer.
struct session_options {
  std::string node;
  bool json = false;
  double timeout_s = 10;
  std::string request_id; // --request-id; generated when empty
};

// Request ids make writes safe to repeat: the shard applies an id once and
// answers a repeat with the original result, so the gateway may resend a
// write whose node died, and a caller may repeat a command whose answer it
// never got. Generated ids are random per run; `--request-id X` names the
// first write X (more writes in one run, like an import, get X/2, X/3...).
class request_ids {
public:
  explicit request_ids(std::string given);

  std::string next();

private:
  std::string base_;
  int count_ = 0;
};

class session;

/// A request's outcome: the answer, or the error the node (or CAF) gave.
template <class T>
class answer {
public:
  answer(const session& s, std::optional<T> value, caf::error error)
      : session_(s), value_(std::move(value)), error_(std::move(error)) {
    // nop
  }

  explicit operator bool() const {
    return value_.has_value();
  }

  T& operator*() {
    return *value_;
  }

  T* operator->() {
    return &*value_;
  }

  const caf::error& error() const {
    return error_;
  }

  /// Prints the error; returns its exit code.
  int fail() const;

  /// Returns `f(answer)`, or fails.
  template <class F>
  int then(F&& f) {
    return value_ ? f(*value_) : fail();
  }

private:
  const session& session_;
  std::optional<T> value_;
  caf::error error_;
};

/// A new connection to the node within the time left, or nothing with the
/// reason set.
using connector = std::function<std::optional<gateway_actor>(
  std::chrono::milliseconds left, std::string& error)>;

/// A connected session with one node.
class session {
public:
  session(caf::actor_system& sys, gateway_actor gw, const session_options& opts,
          connector reconnect);

  /// The request id of the next write.
  lunch::request_id request_id() {
    return lunch::request_id{ids_.next()};
  }

  bool json_output() const {
    return json_;
  }

  /// Sends one request and waits at most the timeout for a T. When the
  /// node drops the connection before it answers, a repeatable request
  /// (repeatable.hpp) goes again over a new one within the same timeout.
  template <class T, class... Ts>
  answer<T> ask(const Ts&... xs) {
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return {*this, std::nullopt, make_error(errc::timeout, "timeout")};
      auto got = ask_once<T>(left, xs...);
      if (!got.lost)
        return {*this, std::move(got.value), std::move(got.error)};
      if (!repeatable(xs...))
        return {*this, std::nullopt, lost_answer()};
      std::string why;
      auto gw = reconnect_(left, why);
      if (!gw)
        return {*this, std::nullopt, make_error(errc::unavailable, why)};
      gw_ = std::move(*gw);
    }
  }

  /// Prints an error the node gave; returns its exit code.
  int fail(const caf::error& error) const;

  /// Prints `error: CODE: message` on stderr (with --json the document
  /// {"error", "message"} on stdout); returns the code's exit code.
  int report(errc code, const std::string& message) const;

  /// Prints `doc` with --json, else runs `text`; returns exit_ok. `doc` is
  /// a json (keys sorted) or an ordered_json (keys as the old app sent
  /// them).
  template <class Json>
  int print(const Json& doc, const std::function<void()>& text) const {
    if (json_)
      std::cout << doc.dump() << '\n';
    else
      text();
    return exit_ok;
  }

private:
  template <class T>
  struct outcome {
    std::optional<T> value;
    caf::error error;
    bool lost = false; // the connection closed before the answer
  };

  // One request over the current connection, by a helper actor that also
  // watches the connection (a blocking receive of the answer would not
  // see it close and wait out the timeout).
  template <class T, class... Ts>
  outcome<T> ask_once(std::chrono::milliseconds left, const Ts&... xs) {
    auto result = std::make_shared<std::promise<outcome<T>>>();
    auto future = result->get_future();
    sys_.spawn([=, gw = gw_](caf::event_based_actor* self) {
      auto done = [=](outcome<T> x) {
        result->set_value(std::move(x));
        self->quit();
      };
      self->monitor(gw);
      self->set_down_handler([=](caf::down_msg&) {
        done(outcome<T>{std::nullopt, {}, true});
      });
      self->request(gw, left, xs...)
        .then(
          [=](T& x) {
            done(outcome<T>{std::move(x), {}, false});
          },
          [=](caf::error& e) {
            done(outcome<T>{std::nullopt, e, false});
          });
    });
    return future.get();
  }

  caf::error lost_answer() const;

  caf::actor_system& sys_;
  gateway_actor gw_;
  caf::timespan timeout_;
  bool json_;
  request_ids ids_;
  std::string node_;
  connector reconnect_;
};

template <class T>
int answer<T>::fail() const {
  return session_.fail(error_);
}

/// What a command does once connected; returns the exit code.
using command = std::function<int(session&)>;

/// Connects to the node in `opts` and runs `cmd` there; reports a bad
/// --node (exit_usage) or an unreachable node (exit_unreachable) itself.
int run_connected(const session_options& opts, const command& cmd);

} // namespace lunch::ctl
