// lunchbench-cluster: the client of scripts/bench/failover.sh and
// scripts/bench/remote.sh. Two modes:
//
//   probe    failover prober. Connects to one node's gateway, picks a user
//            whose key lives on --shard (asking the gateway's slot map),
//            creates it if needed and then writes continuously: usr_update
//            of the nickname, one request at a time, each with a short
//            timeout (--timeout-ms, default 200), the next sent at once
//            after every answer, failure or timeout. After --warmup
//            successes it prints "ready" on stdout. It then reads one line
//            from stdin: the kill time, CLOCK_REALTIME in ns (the caller
//            took it just before kill -9 / SIGSTOP of the shard's owner).
//            It answers with one JSON line: the time from the kill to the
//            first success of a request SENT after the kill, the failed
//            attempts in between by kind, and the warm write latency
//            before the kill. Requests are timed with CLOCK_REALTIME
//            (std::chrono::system_clock), the same clock as the kill time.
//            With --hold-ms it does not stop at the first success but
//            writes on until that long after the kill (pausing --pause-ms
//            between requests) and also lists when every success after the
//            kill was sent: a prober on the minority side of a partition
//            shows which writes were acknowledged after it stepped aside.
//
//   latency  sequential round trips. Connects to every --node (labelled by
//            --label), picks a user on --shard as above, creates it if
//            needed, then sends usr_get of it one request at a time,
//            alternating between the nodes (node 0, node 1, node 0, ...),
//            --warmup unmeasured then --requests measured per node. Then,
//            in the same process, a raw TCP round trip on loopback:
//            --requests messages of --echo-bytes through an echo server
//            thread (TCP_NODELAY on both ends, blocking sockets). Prints
//            one JSON object with p50/p90/p99/mean/max in microseconds.
//
//   check    every --node answers a read (usr_get: a user or not_found)
//            for every shard within --deadline-ms; prints one JSON object
//            listing the node/shard pairs that did not. failover.sh runs it
//            after every round, once the catalog says the cluster settled.
//
// One event-based actor drives the probe and latency modes (a scoped_actor
// round trip adds ~100 us, more than some of what is measured). Exit codes: 0
// ok, 1 the probe saw no success before its deadline (or stdin closed first),
// 2 usage, 3 node unreachable or setup failed.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <future>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <nlohmann/json.hpp>

#include "messages/errors.hpp"
#include "messages/gateway_protocol.hpp"
#include "runtime/bin/node_connection.hpp"
#include "runtime/system_config.hpp"
#include "tests/bench/bench_stats.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using namespace lunch;
using nlohmann::json;
using steady = std::chrono::steady_clock;
using wall = std::chrono::system_clock; // CLOCK_REALTIME on Linux

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;
constexpr int exit_unreachable = 3;

// Private messages of the drivers.
using kill_at_atom = caf::atom_constant<caf::atom("killat")>;
using stdin_eof_atom = caf::atom_constant<caf::atom("stdineof")>;
using give_up_atom = caf::atom_constant<caf::atom("giveup")>;
using progress_atom = caf::atom_constant<caf::atom("progress")>;
using send_atom = caf::atom_constant<caf::atom("send")>;
using hold_over_atom = caf::atom_constant<caf::atom("holdover")>;

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           wall::now().time_since_epoch())
    .count();
}

double ms_between(int64_t from_ns, int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e6;
}

struct common_options {
  std::vector<std::string> nodes;
  int32_t shard = 0;
  std::string user_prefix = "bench-cluster-";
  int32_t threads = 2;
};

user_profile bench_user(const std::string& id) {
  user_profile p;
  p.employee_id = id;
  p.nickname = "cluster bench " + id;
  p.email = id + "@example.com";
  p.main_dish_genre = "한식";
  p.food_preferences = {"한식"};
  p.allergies = {"없음"};
  p.preferred_time = "12:00";
  return p;
}

std::optional<gateway_actor> connect(caf::actor_system& sys,
                                     const std::string& node) {
  std::string error;
  auto address = cli::node_address(node, error);
  auto gw = address ? cli::connect_gateway(sys, *address, node, error)
                    : std::nullopt;
  if (!gw)
    std::cerr << "lunchbench-cluster: " << error << '\n';
  return gw;
}

// The first id "<prefix>s<shard>-<k>" that the gateway's slot map puts on
// `shard`, created if missing. Blocking: setup only, not timed.
std::optional<std::string> user_on_shard(caf::actor_system& sys,
                                         const gateway_actor& gw,
                                         const common_options& opts) {
  caf::scoped_actor self{sys};
  auto timeout = std::chrono::seconds(10);
  std::optional<std::string> found;
  std::string failure;
  for (int k = 0; k < 10000 && !found && failure.empty(); ++k) {
    auto id = opts.user_prefix + "s" + std::to_string(opts.shard) + "-"
              + std::to_string(k);
    self->request(gw, timeout, usr_shard_atom::value, id)
      .receive(
        [&](key_location& loc) {
          if (loc.shard == opts.shard)
            found = id;
        },
        [&](caf::error& e) { failure = "usr_shard: " + sys.render(e); });
  }
  if (!found) {
    std::cerr << "lunchbench-cluster: no user id on shard " << opts.shard
              << (failure.empty() ? std::string{} : ": " + failure) << '\n';
    return std::nullopt;
  }
  // The shard may still be settling (a node just restarted): retry.
  auto deadline = steady::now() + std::chrono::seconds(30);
  for (;;) {
    bool ok = false;
    self
      ->request(gw, timeout, usr_create_atom::value, bench_user(*found),
                request_id{})
      .receive([&](user_view&) { ok = true; },
               [&](caf::error& e) {
                 if (errc_of(e) == errc::already_exists)
                   ok = true;
                 else
                   failure = "usr_create " + *found + ": " + sys.render(e);
               });
    if (ok)
      return found;
    if (steady::now() >= deadline) {
      std::cerr << "lunchbench-cluster: " << failure << '\n';
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

json stats_json(bench::duration_samples<std::micro>& s) {
  return json{{"n", s.size()},
              {"p50_us", s.percentile(50)},
              {"p90_us", s.percentile(90)},
              {"p99_us", s.percentile(99)},
              {"mean_us", s.mean()},
              {"max_us", s.max()}};
}

// -- probe -------------------------------------------------------------------

struct probe_options {
  common_options common;
  int64_t timeout_ms = 200;
  int64_t warmup = 20;
  int64_t deadline_ms = 20000;
  int64_t hold_ms = 0;  // > 0: write on until this long after the kill
  int64_t pause_ms = 0; // between requests
};

struct probe_result {
  bool ok = false;
  std::string why; // when not ok
  std::string user;
  int64_t kill_ns = 0;
  double latency_ms = 0;         // kill -> first success sent after it
  double first_any_ms = -1;      // kill -> first success of any request
  double sent_after_kill_ms = 0; // kill -> send of the successful request
  int64_t attempts = 0;          // requests sent after the kill
  std::map<std::string, int64_t> failures; // of those, by kind
  std::vector<std::string> samples;        // a few failure texts
  json trace = json::array();              // the requests sent after the kill
  std::vector<double> acked_sent_ms; // --hold-ms: kill -> send, per success
  double warm_p50_ms = 0, warm_max_ms = 0; // before the kill
  int64_t warm_writes = 0;
};

struct probe_state {
  probe_options opts;
  gateway_actor gw;
  std::string user;
  caf::timespan timeout{};
  int64_t counter = 0;
  int64_t successes = 0;
  bool ready = false;
  std::optional<int64_t> kill_ns;
  bool done = false;
  // Completed successes once ready, as (sent, done) in wall ns.
  std::vector<std::pair<int64_t, int64_t>> ok_log;
  // Failures once ready: (sent ns, kind); counted once the kill is known.
  std::vector<std::pair<int64_t, std::string>> fail_log;
  std::vector<std::pair<int64_t, std::string>> fail_text;
  // Every request once ready: (sent ns, done ns, result), for the trace.
  std::vector<std::tuple<int64_t, int64_t, std::string>> trace;
  // Before ready: failures by kind and the last one, for --progress.
  std::map<std::string, int64_t> early_failures;
  std::string last_error;
  bench::duration_samples<std::milli> warm;
  std::shared_ptr<probe_result> out;
  static inline const char* name = "lunchbench.probe";
};

using probe_ptr = caf::stateful_actor<probe_state>*;

void probe_finish(probe_ptr self, bool ok, std::string why) {
  auto& st = self->state;
  if (st.done)
    return;
  st.done = true;
  auto& r = *st.out;
  r.ok = ok;
  r.why = std::move(why);
  r.user = st.user;
  if (st.kill_ns) {
    auto t = *st.kill_ns;
    r.kill_ns = t;
    // Requests go one at a time: the failures that count are those sent
    // after the kill and before the successful request.
    auto until = std::numeric_limits<int64_t>::max();
    for (auto& [sent, done] : st.ok_log) {
      if (done >= t && r.first_any_ms < 0)
        r.first_any_ms = ms_between(t, done);
      if (sent >= t) {
        r.latency_ms = ms_between(t, done);
        r.sent_after_kill_ms = ms_between(t, sent);
        until = sent;
        r.attempts = 1;
        break;
      }
    }
    for (auto& [sent, kind] : st.fail_log)
      if (sent >= t && sent < until) {
        ++r.attempts;
        ++r.failures[kind];
      }
    for (auto& [sent, text] : st.fail_text)
      if (sent >= t && sent < until && r.samples.size() < 5)
        r.samples.push_back(text);
    if (st.opts.hold_ms > 0)
      for (auto& entry : st.ok_log)
        if (entry.first >= t)
          r.acked_sent_ms.push_back(ms_between(t, entry.first));
    for (auto& [sent, done, what] : st.trace)
      if (done >= t && r.trace.size() < 30)
        r.trace.push_back(json{{"sent_ms", ms_between(t, sent)},
                               {"done_ms", ms_between(t, done)},
                               {"result", what}});
  }
  r.warm_p50_ms = st.warm.percentile(50);
  r.warm_max_ms = st.warm.max();
  r.warm_writes = static_cast<int64_t>(st.warm.size());
  self->quit();
}

// Done as soon as a success sent after the kill is in the log (with
// --hold-ms only when the hold is over).
void probe_check(probe_ptr self) {
  auto& st = self->state;
  if (!st.kill_ns || st.done || st.opts.hold_ms > 0)
    return;
  for (auto& entry : st.ok_log)
    if (entry.first >= *st.kill_ns) {
      probe_finish(self, true, {});
      return;
    }
}

void probe_send(probe_ptr self);

// The next request: at once, or after --pause-ms once ready.
void probe_next(probe_ptr self) {
  auto& st = self->state;
  if (st.ready && st.opts.pause_ms > 0)
    self->delayed_send(self, std::chrono::milliseconds(st.opts.pause_ms),
                       send_atom::value);
  else
    probe_send(self);
}

void probe_send(probe_ptr self) {
  auto& st = self->state;
  if (st.done)
    return;
  user_patch patch;
  patch.values.employee_id = st.user;
  patch.values.nickname = "probe " + std::to_string(++st.counter);
  patch.fields = {"nickname"};
  auto sent = wall_ns();
  auto sent_steady = steady::now();
  self->request(st.gw, st.timeout, usr_update_atom::value, patch, request_id{})
    .then(
      [=](user_view&) {
        auto& st = self->state;
        auto now = wall_ns();
        ++st.successes;
        if (st.ready) {
          st.ok_log.emplace_back(sent, now);
          st.trace.emplace_back(sent, now, "ok");
          if (!st.kill_ns)
            st.warm.add(steady::now() - sent_steady);
        } else if (st.successes >= st.opts.warmup) {
          st.ready = true;
          std::cout << "ready " << st.user << std::endl;
        }
        probe_check(self);
        probe_next(self);
      },
      [=](caf::error& e) {
        auto& st = self->state;
        auto kind = to_string(errc_of(e));
        if (st.ready) {
          st.fail_log.emplace_back(sent, kind);
          st.trace.emplace_back(sent, wall_ns(), kind);
          if (st.fail_text.size() < 1000)
            st.fail_text.emplace_back(sent, self->system().render(e));
        } else {
          ++st.early_failures[kind];
          st.last_error = self->system().render(e);
        }
        probe_next(self);
      });
}

// The start of a driver (probe_state, latency_state): its options, the
// user it asks for, the per-request timeout and where the result goes.
template <class State, class Options, class Result>
void init_driver_state(State& st, const Options& opts, std::string user,
                       std::shared_ptr<Result> out) {
  st.opts = opts;
  st.user = std::move(user);
  st.timeout = std::chrono::milliseconds(opts.timeout_ms);
  st.out = std::move(out);
}

caf::behavior probe_driver(probe_ptr self, probe_options opts, gateway_actor gw,
                           std::string user,
                           std::shared_ptr<probe_result> out) {
  auto& st = self->state;
  init_driver_state(st, opts, std::move(user), std::move(out));
  st.gw = std::move(gw);
  st.ok_log.reserve(1 << 16);
  probe_send(self);
  self->delayed_send(self, std::chrono::seconds(2), progress_atom::value);
  return {
    [=](progress_atom) {
      // Not writing yet: say why on stderr, every 2 s.
      auto& st = self->state;
      if (st.ready || st.done)
        return;
      std::cerr << "lunchbench-cluster: not ready: " << st.successes
                << " successes, failures:";
      for (auto& [kind, n] : st.early_failures)
        std::cerr << ' ' << kind << ' ' << n;
      std::cerr << "; last: " << st.last_error << std::endl;
      self->delayed_send(self, std::chrono::seconds(2), progress_atom::value);
    },
    [=](kill_at_atom, int64_t ns) {
      auto& st = self->state;
      if (st.kill_ns)
        return;
      st.kill_ns = ns;
      auto hold = st.opts.hold_ms > 0;
      auto left = ns + (hold ? st.opts.hold_ms : st.opts.deadline_ms) * 1000000
                  - wall_ns();
      auto wait = std::chrono::nanoseconds(std::max<int64_t>(left, 0));
      if (hold)
        self->delayed_send(self, wait, hold_over_atom::value);
      else
        self->delayed_send(self, wait, give_up_atom::value);
      probe_check(self);
    },
    [=](send_atom) { probe_send(self); },
    [=](hold_over_atom) { probe_finish(self, true, {}); },
    [=](give_up_atom) {
      probe_finish(self, false,
                   "no success within "
                     + std::to_string(self->state.opts.deadline_ms)
                     + " ms of the kill");
    },
    [=](stdin_eof_atom) {
      if (!self->state.kill_ns)
        probe_finish(self, false, "stdin closed before a kill time arrived");
    },
  };
}

json probe_json(const probe_options& opts, const probe_result& r) {
  json j{{"ok", r.ok},
         {"node", opts.common.nodes.front()},
         {"shard", opts.common.shard},
         {"user", r.user},
         {"timeout_ms", opts.timeout_ms},
         {"kill_ns", r.kill_ns},
         {"latency_ms", r.latency_ms},
         {"first_any_ms", r.first_any_ms},
         {"sent_after_kill_ms", r.sent_after_kill_ms},
         {"attempts", r.attempts},
         {"failures", r.failures},
         {"failure_samples", r.samples},
         {"trace", r.trace},
         {"hold_ms", opts.hold_ms},
         {"acked_sent_ms", r.acked_sent_ms},
         {"warm_writes", r.warm_writes},
         {"warm_p50_ms", r.warm_p50_ms},
         {"warm_max_ms", r.warm_max_ms}};
  if (!r.ok)
    j["why"] = r.why;
  return j;
}

int run_probe(probe_options opts) {
  caf::actor_system_config cfg;
  runtime::configure(cfg, opts.common.threads);
  caf::actor_system sys{cfg};
  auto gw = connect(sys, opts.common.nodes.front());
  if (!gw)
    return exit_unreachable;
  auto user = user_on_shard(sys, *gw, opts.common);
  if (!user)
    return exit_unreachable;
  auto out = std::make_shared<probe_result>();
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  auto d = sys.spawn(probe_driver, opts, *gw, *user, out);
  d->attach_functor([done, out](const caf::error& reason) {
    if (!out->ok && out->why.empty())
      out->why = reason ? to_string(reason) : "driver stopped";
    done->set_value();
  });
  // Blocks on stdin; detached, so a read that never returns does not hold
  // up the exit.
  std::thread([d] {
    std::string line;
    while (std::getline(std::cin, line)) {
      line.erase(std::remove_if(line.begin(), line.end(),
                                [](char c) { return c < '0' || c > '9'; }),
                 line.end());
      if (line.empty())
        continue;
      caf::anon_send(d, kill_at_atom::value, std::stoll(line));
    }
    caf::anon_send(d, stdin_eof_atom::value);
  }).detach();
  finished.wait();
  std::cout << probe_json(opts, *out).dump() << std::endl;
  return out->ok ? exit_ok : exit_failed;
}

// -- latency -----------------------------------------------------------------

struct latency_options {
  common_options common;
  std::vector<std::string> labels;
  int64_t requests = 5000;
  int64_t warmup = 500;
  int64_t echo_bytes = 64;
  int64_t timeout_ms = 5000;
};

struct latency_result {
  bool finished = false;
  std::string why;
  std::vector<bench::duration_samples<std::micro>> per_node;
  int64_t errors = 0;
  std::vector<std::string> error_samples;
};

struct latency_state {
  latency_options opts;
  std::vector<gateway_actor> gws;
  std::string user;
  caf::timespan timeout{};
  int64_t issued = 0; // over all nodes, warm-up included
  std::shared_ptr<latency_result> out;
  static inline const char* name = "lunchbench.latency";
};

using latency_ptr = caf::stateful_actor<latency_state>*;

void latency_send(latency_ptr self) {
  auto& st = self->state;
  auto n = static_cast<int64_t>(st.gws.size());
  auto total = (st.opts.warmup + st.opts.requests) * n;
  if (st.issued >= total) {
    st.out->finished = true;
    self->quit();
    return;
  }
  auto index = st.issued++;
  auto node = static_cast<size_t>(index % n);
  bool measured = index / n >= st.opts.warmup;
  auto sent = steady::now();
  self
    ->request(st.gws[node], st.timeout, usr_get_atom::value, user_key{st.user})
    .then(
      [=](user_view&) {
        if (measured)
          self->state.out->per_node[node].add(steady::now() - sent);
        latency_send(self);
      },
      [=](caf::error& e) {
        auto& out = *self->state.out;
        ++out.errors;
        if (out.error_samples.size() < 5)
          out.error_samples.push_back(self->system().render(e));
        if (out.errors > 100) {
          out.why = "more than 100 errors";
          self->quit();
          return;
        }
        latency_send(self);
      });
}

caf::behavior latency_driver(latency_ptr self, latency_options opts,
                             std::vector<gateway_actor> gws, std::string user,
                             std::shared_ptr<latency_result> out) {
  auto& st = self->state;
  init_driver_state(st, opts, std::move(user), std::move(out));
  st.gws = std::move(gws);
  st.out->per_node.resize(st.gws.size());
  latency_send(self);
  return {[](caf::ok_atom) {}};
}

// Moves all n bytes at p with io(p, n) (a send or a recv returning the
// bytes moved), again after EINTR; false on an error or end of stream.
template <class Char, class Io>
bool transfer_all(Char* p, size_t n, Io io) {
  while (n > 0) {
    auto k = io(p, n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

bool write_all(int fd, const char* p, size_t n) {
  return transfer_all(p, n, [fd](const char* q, size_t m) {
    return ::send(fd, q, m, MSG_NOSIGNAL);
  });
}

bool read_all(int fd, char* p, size_t n) {
  return transfer_all(p, n,
                      [fd](char* q, size_t m) { return ::recv(fd, q, m, 0); });
}

void no_delay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// Raw TCP round trips on loopback: an echo server thread and a blocking
// client in this process, one message in flight. Empty on failure.
std::optional<bench::duration_samples<std::micro>>
tcp_echo(int64_t warmup, int64_t requests, size_t bytes, std::string& why) {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) {
    why = std::string{"socket: "} + std::strerror(errno);
    return std::nullopt;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0
      || ::listen(listener, 1) != 0
      || ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len)
           != 0) {
    why = std::string{"bind/listen: "} + std::strerror(errno);
    ::close(listener);
    return std::nullopt;
  }
  std::thread server([listener, bytes] {
    int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0)
      return;
    no_delay(fd);
    std::vector<char> buf(bytes);
    while (read_all(fd, buf.data(), bytes) && write_all(fd, buf.data(), bytes))
      ;
    ::close(fd);
  });
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  bench::duration_samples<std::micro> samples;
  bool ok = fd >= 0
            && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr))
                 == 0;
  if (ok) {
    no_delay(fd);
    std::vector<char> msg(bytes, 'x'), reply(bytes);
    for (int64_t i = 0; ok && i < warmup + requests; ++i) {
      auto sent = steady::now();
      ok = write_all(fd, msg.data(), bytes)
           && read_all(fd, reply.data(), bytes);
      if (ok && i >= warmup)
        samples.add(steady::now() - sent);
    }
  }
  if (!ok)
    why = std::string{"echo: "} + std::strerror(errno);
  if (fd >= 0) {
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
  } else {
    ::shutdown(listener, SHUT_RDWR); // unblocks accept
  }
  server.join();
  ::close(listener);
  if (!ok)
    return std::nullopt;
  return samples;
}

int run_latency(latency_options opts) {
  auto& nodes = opts.common.nodes;
  if (opts.labels.empty())
    opts.labels = nodes;
  if (opts.labels.size() != nodes.size()) {
    std::cerr << "lunchbench-cluster: give one --label per --node\n";
    return exit_usage;
  }
  caf::actor_system_config cfg;
  runtime::configure(cfg, opts.common.threads);
  caf::actor_system sys{cfg};
  std::vector<gateway_actor> gws;
  for (auto& node : nodes) {
    auto gw = connect(sys, node);
    if (!gw)
      return exit_unreachable;
    gws.push_back(*gw);
  }
  auto user = user_on_shard(sys, gws.front(), opts.common);
  if (!user)
    return exit_unreachable;
  auto out = std::make_shared<latency_result>();
  {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    auto d = sys.spawn(latency_driver, opts, gws, *user, out);
    d->attach_functor([done](const caf::error&) { done->set_value(); });
    finished.wait();
  }
  json j{{"user", *user},
         {"shard", opts.common.shard},
         {"requests", opts.requests},
         {"warmup", opts.warmup},
         {"threads", opts.common.threads},
         {"finished", out->finished},
         {"errors", out->errors},
         {"error_samples", out->error_samples}};
  if (!out->why.empty())
    j["why"] = out->why;
  json per_node = json::object();
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto s = stats_json(out->per_node[i]);
    s["node"] = nodes[i];
    per_node[opts.labels[i]] = s;
  }
  j["nodes"] = per_node;
  std::string why;
  auto echo = tcp_echo(opts.warmup, opts.requests,
                       static_cast<size_t>(opts.echo_bytes), why);
  if (echo) {
    j["tcp"] = stats_json(*echo);
    j["tcp"]["bytes"] = opts.echo_bytes;
  } else {
    j["tcp_error"] = why;
  }
  std::cout << j.dump() << std::endl;
  return out->finished && echo ? exit_ok : exit_failed;
}

// -- check -------------------------------------------------------------------

// Every node reaches every shard: usr_get of an id on each shard through
// each node must be answered (a user or not_found) within --deadline-ms.
// Catches a node whose gateway has no serving route for a shard although
// the catalog lists a live owner.
struct check_options {
  std::vector<std::string> nodes;
  int32_t shards = 4;
  int64_t timeout_ms = 1000;
  int64_t deadline_ms = 5000;
  int32_t threads = 2;
};

int run_check(const check_options& opts) {
  caf::actor_system_config cfg;
  runtime::configure(cfg, opts.threads);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  json stuck = json::array();
  auto deadline = steady::now() + std::chrono::milliseconds(opts.deadline_ms);
  auto timeout = std::chrono::milliseconds(opts.timeout_ms);
  for (auto& node : opts.nodes) {
    auto gw = connect(sys, node);
    if (!gw)
      return exit_unreachable;
    for (int32_t shard = 0; shard < opts.shards; ++shard) {
      common_options c;
      c.shard = shard;
      std::string id, last;
      for (int k = 0; k < 10000 && id.empty() && last.empty(); ++k) {
        auto candidate = c.user_prefix + "check-s" + std::to_string(shard) + "-"
                         + std::to_string(k);
        self->request(*gw, timeout, usr_shard_atom::value, candidate)
          .receive(
            [&](key_location& loc) {
              if (loc.shard == shard)
                id = candidate;
            },
            [&](caf::error& e) { last = sys.render(e); });
      }
      bool ok = false;
      while (!id.empty() && !ok) {
        self->request(*gw, timeout, usr_get_atom::value, user_key{id})
          .receive([&](user_view&) { ok = true; },
                   [&](caf::error& e) {
                     if (errc_of(e) == errc::not_found)
                       ok = true;
                     else
                       last = sys.render(e);
                   });
        if (ok || steady::now() >= deadline)
          break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (!ok)
        stuck.push_back(
          json{{"node", node}, {"shard", shard}, {"error", last}});
    }
  }
  std::cout << json{{"ok", stuck.empty()}, {"stuck", stuck}}.dump()
            << std::endl;
  return stuck.empty() ? exit_ok : exit_failed;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"lunchbench-cluster: failover prober and remote latency client"};
  app.require_subcommand(1);
  auto common = [](CLI::App* sub, common_options& c) {
    sub->add_option("--shard", c.shard, "the shard whose user is used")
      ->required()
      ->check(CLI::Range(0, 63));
    sub->add_option("--user-prefix", c.user_prefix,
                    "user ids are <prefix>s<shard>-<k>");
    sub->add_option("--threads", c.threads, "CAF scheduler threads")
      ->check(CLI::Range(1, 64));
  };
  // An integer option checked to lie in [lo, hi].
  auto ranged = [](CLI::App* sub, const char* name, int64_t& value,
                   const char* help, int64_t lo, int64_t hi) {
    sub->add_option(name, value, help)->check(CLI::Range(lo, hi));
  };
  probe_options popts;
  auto probe = app.add_subcommand(
    "probe", "write until ready, then time a kill (ns on stdin) to recovery");
  probe->add_option("--node", popts.common.nodes, "HOST:PORT of the node")
    ->required()
    ->expected(1);
  common(probe, popts.common);
  ranged(probe, "--timeout-ms", popts.timeout_ms, "per-request timeout", 1,
         60000);
  ranged(probe, "--warmup", popts.warmup, "successes before 'ready'", 1,
         1000000);
  ranged(probe, "--deadline-ms", popts.deadline_ms,
         "give up this long after the kill", 1, 3600000);
  ranged(probe, "--hold-ms", popts.hold_ms,
         "write on until this long after the kill, listing the successes", 0,
         3600000);
  ranged(probe, "--pause-ms", popts.pause_ms,
         "pause between requests once ready", 0, 60000);

  latency_options lopts;
  auto latency = app.add_subcommand(
    "latency", "sequential usr_get round trips per node, then raw TCP");
  latency
    ->add_option("--node", lopts.common.nodes,
                 "HOST:PORT, repeatable: the nodes alternate")
    ->required();
  latency->add_option("--label", lopts.labels, "a name per --node");
  common(latency, lopts.common);
  ranged(latency, "--requests", lopts.requests, "measured, per node", 1,
         100000000);
  ranged(latency, "--warmup", lopts.warmup, "unmeasured first, per node", 0,
         100000000);
  ranged(latency, "--echo-bytes", lopts.echo_bytes, "TCP message size", 1,
         1 << 20);
  ranged(latency, "--timeout-ms", lopts.timeout_ms, "per-request timeout", 1,
         600000);
  check_options copts;
  auto check = app.add_subcommand(
    "check", "every --node answers a read for every shard (routing works)");
  check->add_option("--node", copts.nodes, "HOST:PORT, repeatable")->required();
  check->add_option("--shards", copts.shards, "shard count")
    ->check(CLI::Range(1, 64));
  ranged(check, "--timeout-ms", copts.timeout_ms, "per-request timeout", 1,
         600000);
  ranged(check, "--deadline-ms", copts.deadline_ms,
         "keep retrying a shard until then", 0, 3600000);
  check->add_option("--threads", copts.threads, "CAF scheduler threads")
    ->check(CLI::Range(1, 64));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_usage;
  }
  if (probe->parsed())
    return run_probe(popts);
  if (check->parsed())
    return run_check(copts);
  return run_latency(lopts);
}
