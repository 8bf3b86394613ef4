// lunchbench-restart: the crash-to-recovery benchmark of
// scripts/bench/restart.sh. Runs one node's supervision tree in this
// process (no network in the timing) and measures, per round,
//
//   t0   send (dbg_crash_atom, path, false) to the gateway
//        and at once the probe request; a probe that fails (the actor is
//        restarting, or it answered "crashed") is sent again at once (or
//        after --retry-pause-us)
//   t1   the first probe that succeeds
//
// for a user entity (path user/<id>, probe usr_get) and for the shard
// owner of that user's shard (path shard/<n>, probe usr_update of the
// nickname, which needs the owner: load, save, commit). Latency = t1 - t0.
// One event-based actor drives every round (a scoped_actor round trip costs
// ~100 us, more than what is measured).
//
// The supervision limits are raised so that hundreds of crashes never trip
// the intensity, and the shard's backoff reset_after is made short and
// waited out between owner rounds: every measured owner crash is a first
// crash after a quiet period, which the policy restarts without delay.
//
// Also measured, for scale: the floor of an owner restart (a fresh libpq
// connection plus the owner's prepared statements, in this process; and the
// same plus the first query on it), and each probe alone with no crash
// (warm actors).
//
// Prints a table, or one JSON object with --json. Exit codes: 0 ok,
// 1 some rounds failed, 2 usage or config, 3 the node did not start.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <future>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/transaction>

#include "actors/node/node_databases.hpp"
#include "actors/node/node_root.hpp"
#include "actors/shard/pg_shard_store.hpp"
#include "config/node_config.hpp"
#include "messages/errors.hpp"
#include "messages/gateway_protocol.hpp"
#include "runtime/db/connection.hpp"
#include "runtime/log.hpp"
#include "runtime/system_config.hpp"
#include "tests/bench/bench_stats.hpp"

namespace {

using namespace lunch;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int exit_ok = 0;
constexpr int exit_failures = 1;
constexpr int exit_usage = 2;
constexpr int exit_no_node = 3;

// Private: the pause between two rounds is over; the pause before a retry
// (--retry-pause-us) is over.
using next_atom = caf::atom_constant<caf::atom("next")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;

struct options {
  std::string config;
  int64_t entity_rounds = 200;
  int64_t owner_rounds = 100;
  int64_t connect_rounds = 50;
  int64_t probe_rounds = 200;
  int64_t warmup = 5;
  int64_t entity_gap_ms = 2;
  int64_t owner_gap_ms = 30;
  int64_t reset_after_ms = 20;
  int64_t timeout_ms = 5000;
  int64_t retry_pause_us = 0; // 0: a failed probe is sent again at once
  int32_t threads = -1;       // -1: the config's
  std::string log_level;      // empty: the config's
  std::string user = "restart-bench-u0";
  bool json = false;
};

// Samples in microseconds.
using samples = bench::duration_samples<std::micro>;

enum class probe_kind { get, update };

struct phase_spec {
  std::string name;       // entity | owner | probe_get | probe_update
  std::string crash_path; // empty: no crash, the probe alone
  probe_kind probe = probe_kind::get;
  int64_t warmup = 0;
  int64_t rounds = 0;
  milliseconds gap{0};
};

struct phase_result {
  std::string name;
  std::string crash_path;
  int64_t rounds = 0;   // measured rounds run
  int64_t failures = 0; // measured rounds without a success in time
  int64_t warmup = 0;
  int64_t warmup_failures = 0;
  samples latency;
  int64_t retries = 0; // failed probes in measured rounds
  int64_t max_retries = 0;
  std::map<std::string, int64_t> retry_errors; // by kind
  std::vector<std::string> failure_samples;
};

struct results {
  bool finished = false;
  std::string abort_reason;
  std::vector<phase_result> phases;
};

struct driver_state {
  options opts;
  gateway_actor gw;
  std::vector<phase_spec> specs;
  std::shared_ptr<results> out;
  size_t phase = 0;
  int64_t index = 0;       // round within the phase, warmup included
  uint64_t generation = 0; // stale replies of an ended round are ignored
  clock_type::time_point t0;
  clock_type::time_point deadline;
  bool crash_acked = false;
  int64_t attempts = 0;
  std::string last_error;
  std::map<std::string, int64_t> round_errors;
  int64_t nickname_counter = 0;
  static inline const char* name = "lunchbench.restart";
};

using driver_ptr = caf::stateful_actor<driver_state>*;

// A short, stable name for the kind of a failed probe.
std::string error_kind(const caf::error& e) {
  if (e.category() == caf::atom("system"))
    return "system: " + caf::to_string(static_cast<caf::sec>(e.code()));
  auto code = to_string(errc_of(e));
  auto msg = message_of(e);
  if (msg.find("is restarting") != std::string::npos)
    return std::string{code} + " (shard restarting: closed door)";
  if (msg.find("crashed") != std::string::npos)
    return std::string{code} + " (crashed)";
  return code;
}

std::string describe(caf::actor_system& sys, const caf::error& e) {
  auto msg = message_of(e);
  return msg.empty() ? sys.render(e)
                     : std::string{to_string(errc_of(e))} + ": " + msg;
}

const phase_spec& spec(driver_ptr self) {
  return self->state.specs[self->state.phase];
}

phase_result& result(driver_ptr self) {
  return self->state.out->phases[self->state.phase];
}

bool in_warmup(driver_ptr self) {
  return self->state.index < spec(self).warmup;
}

void start_round(driver_ptr self);

// Ends the current round; the next one starts after the phase's gap.
void next_round(driver_ptr self) {
  auto& st = self->state;
  ++st.generation;
  ++st.index;
  while (st.phase < st.specs.size()
         && st.index >= spec(self).warmup + spec(self).rounds) {
    ++st.phase;
    st.index = 0;
  }
  if (st.phase >= st.specs.size()) {
    st.out->finished = true;
    self->quit();
    return;
  }
  self->delayed_send(self, spec(self).gap, next_atom::value);
}

void fail_round(driver_ptr self, const std::string& why) {
  auto& st = self->state;
  auto& r = result(self);
  auto warm = in_warmup(self);
  if (warm) {
    ++r.warmup_failures;
  } else {
    ++r.rounds;
    ++r.failures;
  }
  if (r.failure_samples.size() < 5)
    r.failure_samples.push_back((warm ? "warmup round " : "round ")
                                + std::to_string(st.index) + ": " + why);
  next_round(self);
}

void succeed_round(driver_ptr self, clock_type::time_point t1) {
  auto& st = self->state;
  auto& r = result(self);
  auto took = t1 - st.t0;
  if (took > milliseconds(st.opts.timeout_ms)) {
    fail_round(self, "the first success came after "
                       + std::to_string(
                         std::chrono::duration_cast<milliseconds>(took).count())
                       + " ms");
    return;
  }
  if (!in_warmup(self)) {
    ++r.rounds;
    r.latency.add(took);
    auto retries = st.attempts - 1;
    r.retries += retries;
    r.max_retries = std::max(r.max_retries, retries);
    for (auto& [kind, n] : st.round_errors)
      r.retry_errors[kind] += n;
  }
  next_round(self);
}

caf::timespan remaining(driver_ptr self) {
  auto left = self->state.deadline - clock_type::now();
  return std::max<caf::timespan>(
    std::chrono::duration_cast<caf::timespan>(left), milliseconds(1));
}

void send_probe(driver_ptr self);

void on_probe_error(driver_ptr self, uint64_t gen, caf::error& e) {
  auto& st = self->state;
  if (gen != st.generation)
    return;
  ++st.round_errors[error_kind(e)];
  st.last_error = describe(self->system(), e);
  if (clock_type::now() >= st.deadline) {
    fail_round(self, "no successful probe within "
                       + std::to_string(st.opts.timeout_ms) + " ms ("
                       + std::to_string(st.attempts)
                       + " attempts; last error: " + st.last_error + ")");
    return;
  }
  if (st.opts.retry_pause_us > 0)
    self->delayed_send(self, std::chrono::microseconds(st.opts.retry_pause_us),
                       retry_atom::value, gen);
  else
    send_probe(self); // at once
}

void on_probe_ok(driver_ptr self, uint64_t gen) {
  auto t1 = clock_type::now();
  auto& st = self->state;
  if (gen != st.generation)
    return;
  if (!st.crash_acked) {
    // Cannot happen: the gateway answers the crash before it even reads
    // the probe. Counted as a failure rather than as a bogus latency.
    fail_round(self, "the probe succeeded before the crash was acknowledged");
    return;
  }
  succeed_round(self, t1);
}

void send_probe(driver_ptr self) {
  auto& st = self->state;
  auto gen = st.generation;
  ++st.attempts;
  auto err = [self, gen](caf::error& e) { on_probe_error(self, gen, e); };
  if (spec(self).probe == probe_kind::get) {
    self
      ->request(st.gw, remaining(self), usr_get_atom::value,
                user_key{st.opts.user})
      .then([self, gen](user_view&) { on_probe_ok(self, gen); }, err);
    return;
  }
  user_patch patch;
  patch.values.employee_id = st.opts.user;
  patch.values.nickname = "restart bench "
                          + std::to_string(++st.nickname_counter);
  patch.fields = {"nickname"};
  self
    ->request(st.gw, remaining(self), usr_update_atom::value, patch,
              request_id{})
    .then([self, gen](user_view&) { on_probe_ok(self, gen); }, err);
}

void start_round(driver_ptr self) {
  auto& st = self->state;
  auto gen = ++st.generation;
  st.attempts = 0;
  st.last_error.clear();
  st.round_errors.clear();
  st.t0 = clock_type::now();
  st.deadline = st.t0 + milliseconds(st.opts.timeout_ms);
  auto& path = spec(self).crash_path;
  st.crash_acked = path.empty();
  if (!path.empty())
    self
      ->request(st.gw, milliseconds(st.opts.timeout_ms), dbg_crash_atom::value,
                path, false)
      .then(
        [self, gen](std::string&) {
          if (gen == self->state.generation)
            self->state.crash_acked = true;
        },
        [self, gen, path](caf::error& e) {
          if (gen == self->state.generation)
            fail_round(self, "the crash of " + path + " was refused: "
                               + describe(self->system(), e));
        });
  send_probe(self);
}

caf::behavior driver(driver_ptr self, options opts, gateway_actor gw,
                     std::vector<phase_spec> specs,
                     std::shared_ptr<results> out) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.gw = std::move(gw);
  st.specs = std::move(specs);
  st.out = out;
  for (auto& s : st.specs) {
    phase_result r;
    r.name = s.name;
    r.crash_path = s.crash_path;
    r.warmup = s.warmup;
    out->phases.push_back(std::move(r));
  }
  // Skip phases without rounds; start after the first phase's gap.
  st.phase = 0;
  st.index = -1;
  next_round(self);
  return {
    [=](next_atom) { start_round(self); },
    [=](retry_atom, uint64_t gen) {
      if (gen == self->state.generation)
        send_probe(self);
    },
  };
}

// -- setup, outside the timing (scoped_actor is fine here) -----------------

user_profile bench_profile(const std::string& id) {
  user_profile p;
  p.employee_id = id;
  p.nickname = "restart bench";
  p.email = id + "@example.com";
  p.main_dish_genre = "한식,중식";
  p.food_preferences = {"한식", "중식"};
  p.allergies = {"없음"};
  p.preferred_time = "12:00";
  return p;
}

// Creates the bench user (an existing one is fine) and returns its shard,
// or -1 with `error` set.
int32_t setup_user(caf::actor_system& sys, const gateway_actor& gw,
                   const std::string& id, std::string& error) {
  caf::scoped_actor self{sys};
  auto timeout = std::chrono::seconds(10);
  bool ok = false;
  self
    ->request(gw, timeout, usr_create_atom::value, bench_profile(id),
              request_id{})
    .receive([&](user_view&) { ok = true; },
             [&](caf::error& e) {
               if (errc_of(e) == errc::already_exists)
                 ok = true;
               else
                 error = "cannot create user " + id + ": " + describe(sys, e);
             });
  if (!ok)
    return -1;
  int32_t shard = -1;
  self->request(gw, timeout, usr_shard_atom::value, id)
    .receive([&](key_location& loc) { shard = loc.shard; },
             [&](caf::error& e) {
               error = "cannot locate user " + id + ": " + describe(sys, e);
             });
  return shard;
}

// Peer 1: a fresh libpq connection plus the owner's prepared statements,
// what an owner restart cannot do without. The close is not timed. With
// `first_query` it also runs the first load_user on the new connection
// (libpqxx 6 prepares statements lazily, on first use, and a fresh
// PostgreSQL backend fills its catalog caches on its first queries): what
// the owner probe pays on a restarted owner before it can answer.
phase_result measure_connect(const std::string& dsn, int32_t shard,
                             const std::string& user, bool first_query,
                             int64_t warmup, int64_t rounds) {
  phase_result r;
  r.name = first_query ? "connect_query" : "connect";
  r.warmup = warmup;
  for (int64_t i = 0; i < warmup + rounds; ++i) {
    auto t0 = clock_type::now();
    try {
      auto conn = db::open_connection(dsn);
      pg_shard_store::prepare(*conn);
      if (first_query) {
        pqxx::work tx{*conn};
        pg_shard_store store{shard, dsn};
        store.bind(tx);
        store.users().load_user(user);
        tx.commit();
      }
      auto t1 = clock_type::now();
      if (i >= warmup) {
        ++r.rounds;
        r.latency.add(t1 - t0);
      }
    } catch (const std::exception& e) {
      if (i >= warmup) {
        ++r.rounds;
        ++r.failures;
      } else {
        ++r.warmup_failures;
      }
      if (r.failure_samples.size() < 5)
        r.failure_samples.push_back(db::first_line(e.what()));
    }
  }
  return r;
}

// -- output ----------------------------------------------------------------

using bench::fixed;

json phase_json(phase_result& r) {
  json j{{"rounds", r.rounds},
         {"ok", r.rounds - r.failures},
         {"failures", r.failures},
         {"warmup", r.warmup},
         {"warmup_failures", r.warmup_failures},
         {"p50_us", r.latency.percentile(50)},
         {"p99_us", r.latency.percentile(99)},
         {"max_us", r.latency.max()},
         {"mean_us", r.latency.mean()},
         {"min_us", r.latency.percentile(0)}};
  if (!r.crash_path.empty())
    j["crash_path"] = r.crash_path;
  if (r.crash_path.size() > 0 || r.name.rfind("probe", 0) == 0) {
    auto ok = r.rounds - r.failures;
    j["retries"] = r.retries;
    j["mean_retries"]
      = ok > 0 ? static_cast<double>(r.retries) / static_cast<double>(ok) : 0.0;
    j["max_retries"] = r.max_retries;
    j["retry_errors"] = r.retry_errors;
  }
  j["failure_samples"] = r.failure_samples;
  return j;
}

const char* label(const std::string& name) {
  if (name == "entity")
    return "entity crash -> usr_get ok";
  if (name == "owner")
    return "owner crash -> usr_update ok";
  if (name == "connect")
    return "peer: connect + prepare";
  if (name == "connect_query")
    return "  + first load_user";
  if (name == "probe_get")
    return "usr_get alone (no crash)";
  if (name == "probe_update")
    return "usr_update alone (no crash)";
  return name.c_str();
}

void print_human(const options& opts, const std::string& user, int32_t shard,
                 results& r) {
  std::cout << "lunchbench-restart: user " << user << " (shard " << shard
            << "), first crash after a quiet period each round (backoff "
               "reset_after "
            << opts.reset_after_ms << " ms, owner rounds " << opts.owner_gap_ms
            << " ms apart): restarted without delay\n";
  std::cout << std::left << std::setw(30) << "" << std::right << std::setw(7)
            << "ROUNDS" << std::setw(6) << "FAIL" << std::setw(11) << "P50 us"
            << std::setw(11) << "P99 us" << std::setw(11) << "MAX us"
            << std::setw(9) << "RETRIES" << '\n';
  for (auto& ph : r.phases) {
    auto ok = ph.rounds - ph.failures;
    std::cout << std::left << std::setw(30) << label(ph.name) << std::right
              << std::setw(7) << ph.rounds << std::setw(6) << ph.failures
              << std::setw(11) << fixed(ph.latency.percentile(50), 0)
              << std::setw(11) << fixed(ph.latency.percentile(99), 0)
              << std::setw(11) << fixed(ph.latency.max(), 0) << std::setw(9)
              << (ph.name.rfind("connect", 0) == 0 || ok == 0
                    ? std::string{"-"}
                    : fixed(static_cast<double>(ph.retries)
                              / static_cast<double>(ok),
                            1))
              << '\n';
  }
  for (auto& ph : r.phases) {
    for (auto& [kind, n] : ph.retry_errors)
      std::cout << ph.name << ": retried after " << kind << ": " << n << '\n';
    for (auto& s : ph.failure_samples)
      std::cout << ph.name << ": FAILED " << s << '\n';
  }
  if (!r.finished)
    std::cout << "stopped early: " << r.abort_reason << '\n';
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"lunchbench-restart: time from a crash to the next successful "
               "request, in-process"};
  options opts;
  app.add_option("-c,--config", opts.config, "node config file (JSON)")
    ->required();
  app.add_option("--entity-rounds", opts.entity_rounds, "user entity crashes")
    ->check(CLI::Range(int64_t{0}, int64_t{1000000}));
  app.add_option("--owner-rounds", opts.owner_rounds, "shard owner crashes")
    ->check(CLI::Range(int64_t{0}, int64_t{1000000}));
  app
    .add_option("--connect-rounds", opts.connect_rounds,
                "fresh connections + prepare (the owner's floor)")
    ->check(CLI::Range(int64_t{0}, int64_t{1000000}));
  app
    .add_option("--probe-rounds", opts.probe_rounds,
                "probes alone, without a crash, of each kind")
    ->check(CLI::Range(int64_t{0}, int64_t{1000000}));
  app.add_option("--warmup", opts.warmup, "unmeasured rounds first, per kind")
    ->check(CLI::Range(int64_t{0}, int64_t{10000}));
  app
    .add_option("--entity-gap-ms", opts.entity_gap_ms,
                "pause between entity rounds")
    ->check(CLI::Range(int64_t{0}, int64_t{60000}));
  app
    .add_option("--owner-gap-ms", opts.owner_gap_ms,
                "pause between owner rounds")
    ->check(CLI::Range(int64_t{1}, int64_t{60000}));
  app
    .add_option("--reset-after-ms", opts.reset_after_ms,
                "shard backoff reset_after (must be < --owner-gap-ms)")
    ->check(CLI::Range(int64_t{1}, int64_t{60000}));
  app.add_option("--timeout-ms", opts.timeout_ms, "per round and request")
    ->check(CLI::Range(int64_t{10}, int64_t{600000}));
  app
    .add_option("--retry-pause-us", opts.retry_pause_us,
                "pause before re-sending a failed probe (default 0: at once)")
    ->check(CLI::Range(int64_t{0}, int64_t{1000000}));
  app
    .add_option("--threads", opts.threads,
                "CAF scheduler threads (default: the config's; 0 = per core)")
    ->check(CLI::Range(0, 64));
  app
    .add_option("--log-level", opts.log_level,
                "debug|info|warn|error|off (default: the config's)")
    ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}));
  app.add_option("--user", opts.user, "the bench user's id");
  app.add_flag("--json", opts.json, "print one JSON object");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_usage;
  }
  if (opts.owner_gap_ms <= opts.reset_after_ms) {
    std::cerr << "lunchbench-restart: --owner-gap-ms (" << opts.owner_gap_ms
              << ") must exceed --reset-after-ms (" << opts.reset_after_ms
              << "), or owner crashes would count as a crash loop\n";
    return exit_usage;
  }
  config::node_config cfg;
  try {
    cfg = config::load_node_config(opts.config);
  } catch (const config::config_error& e) {
    std::cerr << "lunchbench-restart: " << e.what() << '\n';
    return exit_usage;
  }
  // Hundreds of crashes must never trip an intensity limit; every owner
  // crash must find its backoff streak reset (first restart: no delay).
  cfg.fault_injection = true;
  cfg.supervision.shard.intensity = {1000000, milliseconds(1000)};
  cfg.supervision.shards.intensity = {1000000, milliseconds(1000)};
  cfg.supervision.entities = {1000000, milliseconds(1000)};
  cfg.supervision.shard.backoff.reset_after = milliseconds(opts.reset_after_ms);
  cfg.request_timeout_ms = std::max<int64_t>(cfg.request_timeout_ms,
                                             opts.timeout_ms);
  if (opts.threads >= 0)
    cfg.threads = opts.threads;
  if (!opts.log_level.empty())
    cfg.log_level = opts.log_level;
  log::init(cfg.node, cfg.log_level);

  std::vector<int32_t> slot_table;
  try {
    slot_table = prepare_databases(cfg);
  } catch (const std::exception& e) {
    std::cerr << "lunchbench-restart: " << opts.config << ": " << e.what()
              << '\n';
    return exit_no_node;
  }

  caf::actor_system_config caf_cfg;
  runtime::configure(caf_cfg, cfg.threads);
  caf::actor_system sys{caf_cfg};
  auto node = start_node(sys, cfg, std::move(slot_table), false);
  std::string error;
  auto gw = await_gateway(node, std::chrono::seconds(10), error);
  if (!gw) {
    std::cerr << "lunchbench-restart: " << error << '\n';
    stop_node(sys, node);
    return exit_no_node;
  }
  auto shard = setup_user(sys, gw, opts.user, error);
  if (shard < 0 || shard >= static_cast<int32_t>(cfg.shards.size())) {
    std::cerr << "lunchbench-restart: " << error << '\n';
    stop_node(sys, node);
    return exit_no_node;
  }

  // Peer 1 first, while the node is up and idle, on the crashed owner's
  // own database.
  auto connect = measure_connect(cfg.shards[shard], shard, opts.user, false,
                                 opts.warmup, opts.connect_rounds);
  auto connect_query = measure_connect(cfg.shards[shard], shard, opts.user,
                                       true, opts.warmup, opts.connect_rounds);

  std::vector<phase_spec> specs;
  auto add = [&](std::string name, std::string path, probe_kind probe,
                 int64_t rounds, int64_t gap_ms) {
    phase_spec s;
    s.name = std::move(name);
    s.crash_path = std::move(path);
    s.probe = probe;
    s.warmup = rounds > 0 ? opts.warmup : 0;
    s.rounds = rounds;
    s.gap = milliseconds(gap_ms);
    specs.push_back(std::move(s));
  };
  // The probes alone first (warm actors), then the entity crashes, then
  // the owner crashes (each also restarts the shard's entities).
  add("probe_get", "", probe_kind::get, opts.probe_rounds, opts.entity_gap_ms);
  add("probe_update", "", probe_kind::update, opts.probe_rounds,
      opts.entity_gap_ms);
  add("entity", "user/" + opts.user, probe_kind::get, opts.entity_rounds,
      opts.entity_gap_ms);
  add("owner", "shard/" + std::to_string(shard), probe_kind::update,
      opts.owner_rounds, opts.owner_gap_ms);

  auto out = std::make_shared<results>();
  {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    auto d = sys.spawn(driver, opts, gw, specs, out);
    d->attach_functor([done, out](const caf::error& reason) {
      if (!out->finished && out->abort_reason.empty())
        out->abort_reason = reason ? to_string(reason) : "driver stopped";
      done->set_value();
    });
    finished.wait();
  }
  stop_node(sys, node);

  // Report order: the crash kinds, the floor, the probes alone.
  std::vector<phase_result> phases;
  for (auto& name : {"entity", "owner"})
    for (auto& ph : out->phases)
      if (ph.name == name)
        phases.push_back(ph);
  phases.push_back(connect);
  phases.push_back(connect_query);
  for (auto& name : {"probe_get", "probe_update"})
    for (auto& ph : out->phases)
      if (ph.name == name)
        phases.push_back(ph);
  out->phases = std::move(phases);

  int64_t failures = 0;
  for (auto& ph : out->phases)
    failures += ph.failures;
  if (opts.json) {
    json j{{"user", opts.user},
           {"shard", shard},
           {"shards", cfg.shards.size()},
           {"threads", cfg.threads},
           {"timeout_ms", opts.timeout_ms},
           {"entity_gap_ms", opts.entity_gap_ms},
           {"owner_gap_ms", opts.owner_gap_ms},
           {"reset_after_ms", opts.reset_after_ms},
           {"finished", out->finished},
           {"failures", failures}};
    for (auto& ph : out->phases)
      j[ph.name] = phase_json(ph);
    if (!out->abort_reason.empty())
      j["abort_reason"] = out->abort_reason;
    std::cout << j.dump() << '\n';
  } else {
    print_human(opts, opts.user, shard, *out);
  }
  return out->finished && failures == 0 ? exit_ok : exit_failures;
}
