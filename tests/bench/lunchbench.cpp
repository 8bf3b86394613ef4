// lunchbench: the load client of scripts/bench/writes.sh. Connects to one
// node's gateway and drives it from ONE event-based actor that keeps
// --inflight requests outstanding (every reply sends the next request), in
// four phases, each timed on its own:
//
//   setup   create the bench users "bench-u<i>" (already_exists is skipped;
//           --no-setup: they exist)
//   writes  party creates interleaved with joins of random bench users to
//           parties created earlier in this run (party_full and
//           already_joined are refusals: completed, counted apart)
//   warmup  one usr_get per bench user, so every user entity is active
//           (only before reads)
//   reads   usr_get of random bench users (answered from the entities)
//
// `--serve-echo` publishes the reads' ceiling instead, a bare CAF remote
// request/response loop (read_ceiling.hpp), and `--echo` runs the reads
// against it.
//
// Latency is steady_clock at send -> at reply, per request. With --node-pid
// and --db-pid (processes on this machine) each phase also reports the CPU
// milliseconds they spent per op, a figure other tenants of a shared machine
// barely move. Prints a table, or one JSON object with --json. Exit codes: 0
// ok, 1 unexpected errors, 2 usage, 3 node unreachable.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <future>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
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
#include "tests/bench/process_cpu.hpp"
#include "tests/bench/read_ceiling.hpp"

namespace {

using namespace lunch;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

constexpr int exit_ok = 0;
constexpr int exit_errors = 1;
constexpr int exit_usage = 2;
constexpr int exit_unreachable = 3;

struct options {
  std::string node = "127.0.0.1:4710";
  int64_t users = 1000;
  int64_t parties = 2000;
  int64_t joins_per_party = 3;
  int64_t inflight = 64;
  int64_t reads = 100000;
  int32_t threads = 2;
  double timeout_s = 30;
  uint64_t seed = 1;
  bool json = false;
  bool setup = true;            // false: the bench users exist already
  bool echo = false;            // --node is a --serve-echo: reads only
  bool serve_echo = false;      // publish the reads' ceiling instead
  std::vector<pid_t> node_pids; // CPU watched per phase
  std::vector<pid_t> db_pids;   // ... with their children (the backends)
};

// Latencies in milliseconds.
using latencies = bench::duration_samples<std::milli>;

// One timed phase.
struct phase {
  std::string name;
  int64_t total = 0;
  int64_t issued = 0;
  int64_t completed = 0;
  int64_t ok = 0;
  int64_t refused = 0; // expected domain refusals (completed ops)
  int64_t errors = 0;  // anything else
  std::map<std::string, int64_t> refusals;
  std::map<std::string, int64_t> error_kinds;
  latencies all;
  clock_type::time_point start;
  clock_type::time_point end;
  bench::cpu_sample node_cpu_start, node_cpu_end, db_cpu_start, db_cpu_end;

  double seconds() const {
    return std::chrono::duration<double>(end - start).count();
  }

  // CPU milliseconds per completed op, or -1 if nothing was watched.
  double cpu_ms_per_op(const bench::cpu_sample& start,
                       const bench::cpu_sample& end) const {
    if (end.empty() || completed == 0)
      return -1;
    return bench::cpu_ms_between(start, end) / static_cast<double>(completed);
  }

  double rate() const {
    auto s = seconds();
    return s > 0 ? static_cast<double>(completed) / s : 0;
  }
};

struct results {
  bool finished = false; // false: the driver stopped early
  std::string abort_reason;
  std::vector<phase> phases; // setup, writes, warmup, reads
  int64_t creates = 0, joins = 0;
  latencies create_lat, join_lat;
  std::vector<std::string> error_samples;
};

enum class op_kind { create_user, write, warm_read, read };

struct driver_state {
  options opts;
  gateway_actor gw;
  bench::read_target reader; // the gateway, or the echo (read_ceiling.hpp)
  caf::timespan timeout{};
  std::mt19937_64 rng;
  std::shared_ptr<results> out;
  size_t current = 0; // index into out->phases
  int64_t inflight = 0;
  // writes: what is left to issue
  int64_t creates_left = 0;
  int64_t joins_left = 0;
  // Parties of this run with room: id -> members plus joins in flight.
  // Joins go only to these, so few are refused as full (a refusal is a
  // completed op that never reaches the database).
  std::unordered_map<int64_t, int32_t> room;
  std::vector<int64_t> open; // the keys of `room`, for random picks
  static inline const char* name = "lunchbench.driver";
};

using driver_ptr = caf::stateful_actor<driver_state>*;

std::string user_id(int64_t i) {
  return "bench-u" + std::to_string(i);
}

user_profile bench_user(int64_t i) {
  user_profile p;
  p.employee_id = user_id(i);
  p.nickname = "bench user " + std::to_string(i);
  p.email = user_id(i) + "@example.com";
  p.main_dish_genre = "한식,중식";
  p.food_preferences = {"한식", "중식"};
  p.allergies = {"없음"};
  p.preferred_time = "12:00";
  return p;
}

int64_t random_below(driver_ptr self, int64_t n) {
  std::uniform_int_distribution<int64_t> d(0, n - 1);
  return d(self->state.rng);
}

phase& cur(driver_ptr self) {
  return self->state.out->phases[self->state.current];
}

void note_error(driver_ptr self, phase& ph, const caf::error& e) {
  ++ph.errors;
  auto code = errc_of(e);
  ++ph.error_kinds[to_string(code)];
  auto& samples = self->state.out->error_samples;
  if (samples.size() < 10)
    samples.push_back(ph.name + ": " + self->system().render(e));
}

void pump(driver_ptr self);

void start_phase(driver_ptr self) {
  auto& ph = cur(self);
  auto& opts = self->state.opts;
  ph.node_cpu_start = bench::sample_cpu(opts.node_pids, false);
  ph.db_cpu_start = bench::sample_cpu(opts.db_pids, true);
  ph.start = clock_type::now();
}

void end_phase(driver_ptr self) {
  auto& ph = cur(self);
  auto& opts = self->state.opts;
  ph.end = clock_type::now();
  ph.node_cpu_end = bench::sample_cpu(opts.node_pids, false);
  ph.db_cpu_end = bench::sample_cpu(opts.db_pids, true);
}

// Starts the next phase that has work, or ends the run.
void next_phase(driver_ptr self) {
  auto& st = self->state;
  ++st.current;
  while (st.current < st.out->phases.size() && cur(self).total == 0)
    ++st.current;
  if (st.current < st.out->phases.size()) {
    start_phase(self);
    pump(self);
    return;
  }
  st.out->finished = true;
  self->quit();
}

// Every reply ends here: record, then refill the window or finish.
void completed(driver_ptr self) {
  auto& st = self->state;
  auto& ph = cur(self);
  --st.inflight;
  ++ph.completed;
  if (ph.completed < ph.total) {
    pump(self);
    return;
  }
  end_phase(self);
  next_phase(self);
}

template <class T>
auto on_ok(driver_ptr self, clock_type::time_point sent,
           latencies* extra = nullptr) {
  return [=](T&) {
    auto now = clock_type::now();
    auto& ph = cur(self);
    ph.all.add(now - sent);
    if (extra)
      extra->add(now - sent);
    ++ph.ok;
    completed(self);
  };
}

// `expected` lists the domain refusals that count as completed ops.
auto on_error(driver_ptr self, clock_type::time_point sent,
              std::vector<errc> expected, latencies* extra = nullptr) {
  return [=](caf::error& e) {
    auto now = clock_type::now();
    auto& ph = cur(self);
    auto code = errc_of(e);
    if (std::find(expected.begin(), expected.end(), code) != expected.end()) {
      ph.all.add(now - sent);
      if (extra)
        extra->add(now - sent);
      ++ph.refused;
      ++ph.refusals[to_string(code)];
    } else {
      note_error(self, ph, e);
    }
    completed(self);
  };
}

party_record bench_party(driver_ptr self) {
  party_record p;
  p.host_employee_id = user_id(random_below(self, self->state.opts.users));
  p.title = "bench lunch";
  p.restaurant_name = "Bench Bistro";
  p.restaurant_address = "1 Benchmark Road";
  p.party_date = "2026-12-01";
  p.party_time = "12:00";
  p.meeting_location = "lobby";
  p.max_members = 8;
  return p;
}

constexpr int32_t party_size = 8;

void close_party(driver_ptr self, int64_t id) {
  auto& st = self->state;
  if (st.room.erase(id) == 0)
    return;
  auto i = std::find(st.open.begin(), st.open.end(), id);
  *i = st.open.back();
  st.open.pop_back();
}

void issue_write(driver_ptr self, clock_type::time_point sent) {
  auto& st = self->state;
  auto out = st.out;
  // Creates are spread over the run with the odds of what is left; a join
  // needs a party whose create has completed.
  bool create = st.creates_left > 0
                && (st.open.empty() || st.joins_left == 0
                    || random_below(self, st.creates_left + st.joins_left)
                         < st.creates_left);
  if (create) {
    --st.creates_left;
    ++out->creates;
    auto ok = on_ok<party_view>(self, sent, &out->create_lat);
    self
      ->request(st.gw, st.timeout, pty_create_atom::value, bench_party(self),
                request_id{})
      .then(
        [=](party_view& v) {
          auto& st = self->state;
          auto members = static_cast<int32_t>(v.party.member_ids.size());
          if (members < party_size
              && st.room.emplace(v.party.id, members).second)
            st.open.push_back(v.party.id);
          ok(v);
        },
        on_error(self, sent, {}, &out->create_lat));
    return;
  }
  --st.joins_left;
  ++out->joins;
  auto party
    = st.open[random_below(self, static_cast<int64_t>(st.open.size()))];
  auto user = user_id(random_below(self, st.opts.users));
  if (++st.room[party] >= party_size)
    close_party(self, party); // full once the joins in flight land
  auto err = on_error(self, sent, {errc::party_full, errc::already_joined},
                      &out->join_lat);
  self
    ->request(st.gw, st.timeout, pty_join_atom::value, party_id{party},
              user_key{user}, request_id{})
    .then(on_ok<party_view>(self, sent, &out->join_lat), [=](caf::error& e) {
      // This join added no one.
      auto& st = self->state;
      if (auto i = st.room.find(party); i != st.room.end()) {
        --i->second;
        if (errc_of(e) == errc::party_full)
          close_party(self, party);
      }
      err(e);
    });
}

void issue(driver_ptr self, op_kind kind, int64_t index) {
  auto& st = self->state;
  auto sent = clock_type::now();
  switch (kind) {
    case op_kind::create_user:
      self
        ->request(st.gw, st.timeout, usr_create_atom::value, bench_user(index),
                  request_id{})
        .then(on_ok<user_view>(self, sent),
              on_error(self, sent, {errc::already_exists}));
      break;
    case op_kind::write:
      issue_write(self, sent);
      break;
    case op_kind::warm_read:
      self
        ->request(st.reader, st.timeout, usr_get_atom::value,
                  user_key{user_id(index)})
        .then(on_ok<user_view>(self, sent), on_error(self, sent, {}));
      break;
    case op_kind::read:
      self
        ->request(st.reader, st.timeout, usr_get_atom::value,
                  user_key{user_id(random_below(self, st.opts.users))})
        .then(on_ok<user_view>(self, sent), on_error(self, sent, {}));
      break;
  }
}

// Sends until the window is full or the phase has nothing left to send.
void pump(driver_ptr self) {
  auto& st = self->state;
  static const op_kind kinds[] = {op_kind::create_user, op_kind::write,
                                  op_kind::warm_read, op_kind::read};
  auto kind = kinds[st.current];
  auto& ph = cur(self);
  while (st.inflight < st.opts.inflight && ph.issued < ph.total) {
    if (kind == op_kind::write && st.creates_left == 0 && st.open.empty()) {
      // Only joins are left and no party has room: wait for the ops in
      // flight; if none is, nothing can be joined any more.
      if (st.inflight == 0) {
        auto left = ph.total - ph.issued;
        ph.issued = ph.total;
        ph.completed += left;
        ph.errors += left;
        ph.error_kinds["no_party_to_join"] += left;
        end_phase(self);
        next_phase(self);
      }
      return;
    }
    auto index = ph.issued++;
    ++st.inflight;
    issue(self, kind, index);
  }
}

caf::behavior driver(driver_ptr self, options opts, gateway_actor gw,
                     bench::read_target reader, std::shared_ptr<results> out) {
  auto& st = self->state;
  st.opts = opts;
  st.gw = std::move(gw);
  st.reader = std::move(reader);
  st.timeout = std::chrono::duration_cast<caf::timespan>(
    std::chrono::duration<double>(opts.timeout_s));
  st.rng.seed(opts.seed);
  st.out = out;
  st.creates_left = opts.parties;
  st.joins_left = opts.parties * opts.joins_per_party;
  auto add = [&](const char* name, int64_t total) {
    phase ph;
    ph.name = name;
    ph.total = total;
    out->phases.push_back(std::move(ph));
  };
  add("setup", opts.setup ? opts.users : 0);
  add("writes", st.creates_left + st.joins_left);
  add("warmup", opts.reads > 0 ? opts.users : 0);
  add("reads", opts.reads);
  // Starts the first phase with work (e.g. --reads 0 skips the reads).
  st.current = static_cast<size_t>(-1);
  next_phase(self);
  // Every message we get is a response, handled by its .then(...); the
  // dummy handler keeps the behavior non-empty.
  return {[](caf::ok_atom) {}};
}

json phase_json(phase& ph) {
  json j{{"ops", ph.completed},
         {"ok", ph.ok},
         {"refused", ph.refused},
         {"errors", ph.errors},
         {"seconds", ph.seconds()},
         {"ops_per_s", ph.rate()},
         {"ok_per_s",
          ph.seconds() > 0 ? static_cast<double>(ph.ok) / ph.seconds() : 0.0},
         {"p50_ms", ph.all.percentile(50)},
         {"p99_ms", ph.all.percentile(99)}};
  if (auto ms = ph.cpu_ms_per_op(ph.node_cpu_start, ph.node_cpu_end); ms >= 0)
    j["node_cpu_ms_per_op"] = ms;
  if (auto ms = ph.cpu_ms_per_op(ph.db_cpu_start, ph.db_cpu_end); ms >= 0)
    j["db_cpu_ms_per_op"] = ms;
  if (!ph.refusals.empty())
    j["refusals"] = ph.refusals;
  if (!ph.error_kinds.empty())
    j["error_kinds"] = ph.error_kinds;
  return j;
}

json to_json(const options& opts, results& r) {
  json j{{"node", opts.node},         {"users", opts.users},
         {"parties", opts.parties},   {"joins_per_party", opts.joins_per_party},
         {"inflight", opts.inflight}, {"threads", opts.threads},
         {"finished", r.finished}};
  int64_t errors = 0;
  for (auto& ph : r.phases) {
    j[ph.name] = phase_json(ph);
    errors += ph.errors;
  }
  if (r.phases.size() > 1) {
    auto& w = j["writes"];
    w["creates"] = r.creates;
    w["joins"] = r.joins;
    w["create_p50_ms"] = r.create_lat.percentile(50);
    w["create_p99_ms"] = r.create_lat.percentile(99);
    w["join_p50_ms"] = r.join_lat.percentile(50);
    w["join_p99_ms"] = r.join_lat.percentile(99);
  }
  j["errors"] = errors;
  j["error_samples"] = r.error_samples;
  if (!r.abort_reason.empty())
    j["abort_reason"] = r.abort_reason;
  return j;
}

using bench::fixed;

void print_human(const options& opts, results& r) {
  std::cout << "lunchbench: node " << opts.node << ", " << opts.users
            << " users, " << opts.parties << " parties x "
            << opts.joins_per_party << " joins, " << opts.inflight
            << " in flight\n";
  std::cout << std::left << std::setw(8) << "PHASE" << std::right
            << std::setw(9) << "OPS" << std::setw(9) << "REFUSED"
            << std::setw(8) << "ERRORS" << std::setw(9) << "SECONDS"
            << std::setw(11) << "OPS/S" << std::setw(10) << "P50 ms"
            << std::setw(10) << "P99 ms" << '\n';
  for (auto& ph : r.phases)
    if (ph.total > 0)
      std::cout << std::left << std::setw(8) << ph.name << std::right
                << std::setw(9) << ph.completed << std::setw(9) << ph.refused
                << std::setw(8) << ph.errors << std::setw(9)
                << fixed(ph.seconds(), 2) << std::setw(11)
                << fixed(ph.rate(), 0) << std::setw(10)
                << fixed(ph.all.percentile(50), 2) << std::setw(10)
                << fixed(ph.all.percentile(99), 2) << '\n';
  for (auto& ph : r.phases) {
    auto node = ph.cpu_ms_per_op(ph.node_cpu_start, ph.node_cpu_end);
    auto db = ph.cpu_ms_per_op(ph.db_cpu_start, ph.db_cpu_end);
    if (node >= 0 || db >= 0)
      std::cout << ph.name << ": CPU ms per op: node "
                << (node >= 0 ? fixed(node, 3) : "-") << ", database "
                << (db >= 0 ? fixed(db, 3) : "-") << '\n';
  }
  std::cout << "writes: " << r.creates << " creates (p50 "
            << fixed(r.create_lat.percentile(50), 2) << " ms, p99 "
            << fixed(r.create_lat.percentile(99), 2) << " ms), " << r.joins
            << " joins (p50 " << fixed(r.join_lat.percentile(50), 2)
            << " ms, p99 " << fixed(r.join_lat.percentile(99), 2) << " ms)\n";
  for (auto& ph : r.phases)
    for (auto& [code, n] : ph.refusals)
      std::cout << ph.name << ": refused " << code << ": " << n << '\n';
  for (auto& ph : r.phases)
    for (auto& [code, n] : ph.error_kinds)
      std::cout << ph.name << ": error " << code << ": " << n << '\n';
  for (auto& s : r.error_samples)
    std::cout << "error sample: " << s << '\n';
  if (!r.finished)
    std::cout << "stopped early: " << r.abort_reason << '\n';
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"lunchbench: write/read load client for one lunchmesh node"};
  options opts;
  app.add_option("--node", opts.node, "HOST:PORT of the node");
  app.add_option("--users", opts.users, "bench users bench-u0..N-1")
    ->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  app.add_option("--parties", opts.parties, "party creates in the write phase")
    ->check(CLI::Range(int64_t{0}, int64_t{100000000}));
  app
    .add_option("--joins-per-party", opts.joins_per_party,
                "joins per created party (max_members is 8)")
    ->check(CLI::Range(int64_t{0}, int64_t{6}));
  app.add_option("--inflight", opts.inflight, "requests kept in flight")
    ->check(CLI::Range(int64_t{1}, int64_t{100000}));
  app.add_option("--reads", opts.reads, "usr_get requests in the read phase")
    ->check(CLI::Range(int64_t{0}, int64_t{1000000000}));
  app.add_option("--threads", opts.threads, "CAF scheduler threads")
    ->check(CLI::Range(1, 64));
  app.add_option("--timeout", opts.timeout_s, "seconds per request")
    ->check(CLI::Range(0.01, 3600.0));
  app.add_option("--seed", opts.seed, "random seed");
  app.add_flag("--json", opts.json, "print one JSON object");
  app.add_flag("!--no-setup", opts.setup,
               "the bench users exist already: skip their creates");
  app.add_flag("--serve-echo", opts.serve_echo,
               "publish the read ceiling at --node (HOST:PORT, port 0: any) "
               "and serve until SIGINT/SIGTERM");
  app.add_flag("--echo", opts.echo,
               "--node is a --serve-echo: reads only (needs --no-setup and "
               "--parties 0)");
  app
    .add_option("--node-pid", opts.node_pids,
                "report this process's CPU per op (repeatable)")
    ->check(CLI::PositiveNumber);
  app
    .add_option("--db-pid", opts.db_pids,
                "report the CPU per op of this process and its children "
                "(the postmaster; repeatable)")
    ->check(CLI::PositiveNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_usage;
  }
  std::string error;
  auto address = lunch::cli::node_address(opts.node, error);
  if (!address) {
    std::cerr << "lunchbench: " << error << '\n';
    return exit_usage;
  }
  if (opts.serve_echo)
    return bench::serve_echo(address->host, address->port, opts.threads,
                             [](const user_key& k) {
                               user_view v;
                               v.profile = bench_user(0);
                               v.profile.employee_id = k.value;
                               return v;
                             });
  if (opts.echo && (opts.setup || opts.parties > 0)) {
    std::cerr << "lunchbench: --echo reads only: give --no-setup and "
                 "--parties 0\n";
    return exit_usage;
  }
  caf::actor_system_config cfg;
  lunch::runtime::configure(cfg, opts.threads);
  caf::actor_system sys{cfg};
  auto out = std::make_shared<results>();
  {
    gateway_actor gw;
    bench::read_target reader;
    if (opts.echo) {
      auto echo = lunch::cli::connect_published<bench::read_target>(
        sys, *address, opts.node, error, std::chrono::seconds(10));
      if (echo)
        reader = *echo;
    } else if (auto g = lunch::cli::connect_gateway(sys, *address, opts.node,
                                                    error)) {
      gw = *g;
      reader = *g;
    }
    if (!reader) {
      std::cerr << "lunchbench: " << error << '\n';
      return exit_unreachable;
    }
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    auto d = sys.spawn(driver, opts, gw, reader, out);
    // Runs when the driver terminates, however it ends.
    d->attach_functor([done, out](const caf::error& reason) {
      if (!out->finished && out->abort_reason.empty())
        out->abort_reason = reason ? to_string(reason) : "driver stopped";
      done->set_value();
    });
    finished.wait();
  }
  int64_t errors = 0;
  for (auto& ph : out->phases)
    errors += ph.errors;
  if (opts.json)
    std::cout << to_json(opts, *out).dump() << '\n';
  else
    print_human(opts, *out);
  return out->finished && errors == 0 ? exit_ok : exit_errors;
}
