// The generic supervisor on CAF's deterministic test coordinator: every
// strategy, restart type, the intensity window, backoff delays, escalation
// and ordered start/stop, with simulated time and no sleeps.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "messages/errors.hpp"
#include "runtime/actor_directory.hpp"
#include "runtime/supervisor.hpp"
#include "tests/support/deterministic_system.hpp"

using namespace lunch;
using namespace std::chrono_literals;
using supervision::restart;
using supervision::strategy;

namespace {

using quit_atom = caf::atom_constant<caf::atom("t_quit")>;

// What happened to the test children, in order: "start a", "stop b".
struct journal {
  std::vector<std::string> events;

  int count(const std::string& event) const {
    return static_cast<int>(std::count(events.begin(), events.end(), event));
  }
};

using journal_ptr = std::shared_ptr<journal>;

// A child that throws on dbg_crash and stops normally on t_quit. A
// stubborn one ignores stop requests (exit messages).
caf::behavior worker(caf::event_based_actor* self, std::string name,
                     journal_ptr log, bool stubborn) {
  log->events.push_back("start " + name);
  self->attach_functor(
    [log, name](const caf::error&) { log->events.push_back("stop " + name); });
  if (stubborn)
    self->set_exit_handler([](caf::exit_msg&) {});
  return {
    [=](dbg_crash_atom) { throw std::runtime_error("boom"); },
    [=](quit_atom) { self->quit(); },
  };
}

child_spec child(std::string name, journal_ptr log,
                 restart type = restart::permanent, bool stubborn = false) {
  child_spec c;
  c.name = name;
  c.restart = type;
  c.shutdown = 100ms;
  c.start = [=](caf::local_actor* sup) {
    return sup->spawn(worker, name, log, stubborn);
  };
  return c;
}

struct fixture : testing::deterministic_system {
  journal_ptr log = std::make_shared<journal>();
  std::shared_ptr<actor_directory> dir = std::make_shared<actor_directory>();
  std::shared_ptr<std::optional<caf::error>> exit_reason
    = std::make_shared<std::optional<caf::error>>();

  supervisor_spec spec(strategy s, std::vector<child_spec> children,
                       supervision::intensity limit = {10, 5000ms}) {
    supervisor_spec x;
    x.name = "sup";
    x.strategy = s;
    x.intensity = limit;
    x.backoff = {10ms, 80ms, 2.0, 0.0, 1000ms};
    x.children = std::move(children);
    x.directory = dir;
    return x;
  }

  supervisor_actor start(supervisor_spec x) {
    auto sup = spawn_supervisor(sys, std::move(x));
    auto reason = exit_reason;
    caf::actor_cast<caf::abstract_actor*>(sup)->attach_functor(
      [reason](const caf::error& e) { *reason = e; });
    sched.run();
    return sup;
  }

  void crash(const std::string& name) {
    auto h = dir->get(name);
    REQUIRE(h);
    caf::anon_send(h, dbg_crash_atom::value);
    sched.run();
  }

  std::vector<tree_line> tree(const supervisor_actor& sup) {
    std::vector<tree_line> lines;
    auto client = sys.spawn([&](caf::event_based_actor* self) {
      self->request(sup, caf::infinite, sup_tree_atom::value)
        .then([&](std::vector<tree_line>& x) { lines = std::move(x); });
    });
    sched.run();
    return lines;
  }

  std::vector<child_spec> three(restart type = restart::permanent) {
    return {child("a", log, type), child("b", log, type),
            child("c", log, type)};
  }
};

} // namespace

TEST_CASE_METHOD(fixture, "children start in order and stop in reverse",
                 "[supervisor]") {
  auto sup = start(spec(strategy::one_for_one, three()));
  CHECK(log->events
        == std::vector<std::string>{"start a", "start b", "start c"});
  log->events.clear();
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
  CHECK(log->events == std::vector<std::string>{"stop c", "stop b", "stop a"});
  REQUIRE(exit_reason->has_value());
  CHECK(**exit_reason == caf::exit_reason::user_shutdown);
  CHECK(!dir->get("a"));
}

TEST_CASE_METHOD(fixture, "one_for_one restarts only the failed child",
                 "[supervisor]") {
  auto sup = start(spec(strategy::one_for_one, three()));
  auto a = dir->get("a");
  crash("b");
  CHECK(log->count("start a") == 1);
  CHECK(log->count("start b") == 2);
  CHECK(log->count("start c") == 1);
  CHECK(dir->get("a") == a);
  CHECK(dir->get("b"));
  auto lines = tree(sup);
  REQUIRE(lines.size() == 4);
  CHECK(lines[2].name == "b");
  CHECK(lines[2].restarts == 1);
  CHECK(lines[1].restarts == 0);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST_CASE_METHOD(fixture,
                 "one_for_all restarts every child, stopping the "
                 "others in reverse order first",
                 "[supervisor]") {
  auto sup = start(spec(strategy::one_for_all, three()));
  log->events.clear();
  crash("b");
  CHECK(log->events
        == std::vector<std::string>{"stop b", "stop c", "stop a", "start a",
                                    "start b", "start c"});
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST_CASE_METHOD(fixture,
                 "rest_for_one restarts the failed child and those "
                 "started after it",
                 "[supervisor]") {
  auto sup = start(spec(strategy::rest_for_one, three()));
  log->events.clear();
  crash("b");
  CHECK(log->events
        == std::vector<std::string>{"stop b", "stop c", "start b", "start c"});
  log->events.clear();
  crash("c");
  CHECK(log->events == std::vector<std::string>{"stop c", "start c"});
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST_CASE_METHOD(fixture, "restart types decide who comes back",
                 "[supervisor]") {
  auto sup = start(
    spec(strategy::one_for_one, {child("perm", log, restart::permanent),
                                 child("trans", log, restart::transient),
                                 child("temp", log, restart::temporary)}));
  SECTION("a normal stop restarts only permanent children") {
    for (auto name : {"perm", "trans", "temp"})
      caf::anon_send(dir->get(name), quit_atom::value);
    sched.run();
    CHECK(log->count("start perm") == 2);
    CHECK(log->count("start trans") == 1);
    CHECK(log->count("start temp") == 1);
    CHECK(!dir->get("trans"));
  }
  SECTION("a crash restarts permanent and transient children") {
    crash("perm");
    crash("trans");
    crash("temp");
    // Two failures in a row for different children: each has its own
    // backoff streak, so both restart at once.
    CHECK(log->count("start perm") == 2);
    CHECK(log->count("start trans") == 2);
    CHECK(log->count("start temp") == 1);
    auto lines = tree(sup);
    // A temporary child that stopped is gone from the tree.
    REQUIRE(lines.size() == 3);
    CHECK(lines[1].name == "perm");
    CHECK(lines[2].name == "trans");
  }
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST_CASE_METHOD(fixture,
                 "backoff delays the second restart in a row and "
                 "resets after a quiet period",
                 "[supervisor]") {
  auto sup = start(spec(strategy::one_for_one, {child("a", log)}));
  crash("a"); // first failure: at once
  CHECK(log->count("start a") == 2);
  crash("a"); // second in a row: min = 10 ms
  CHECK(log->count("start a") == 2);
  CHECK(!dir->get("a"));
  auto lines = tree(sup);
  CHECK(lines[1].state == "restarting");
  sched.advance_time(9ms);
  sched.run();
  CHECK(log->count("start a") == 2);
  sched.advance_time(1ms);
  sched.run();
  CHECK(log->count("start a") == 3);
  crash("a"); // third in a row: 20 ms
  run_for(19ms);
  CHECK(log->count("start a") == 3);
  run_for(1ms);
  CHECK(log->count("start a") == 4);
  // Quiet for longer than reset_after (1 s): the next failure is a first.
  run_for(1000ms);
  crash("a");
  CHECK(log->count("start a") == 5);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST_CASE_METHOD(fixture,
                 "past its intensity a supervisor stops its children "
                 "and fails with gave_up",
                 "[supervisor]") {
  auto sup = start(
    spec(strategy::one_for_one, three(), supervision::intensity{2, 5000ms}));
  crash("b");
  crash("b");
  run_for(10ms);
  CHECK(log->count("start b") == 3);
  CHECK(!exit_reason->has_value());
  log->events.clear();
  crash("b"); // the third restart within 5 s is one too many
  CHECK(log->events == std::vector<std::string>{"stop b", "stop c", "stop a"});
  REQUIRE(exit_reason->has_value());
  CHECK(errc_of(**exit_reason) == errc::gave_up);
  CHECK(message_of(**exit_reason).find("sup gave up: b failed more than 2")
        == 0);
  CHECK(!dir->get("a"));
  CHECK(!dir->get("c"));
}

TEST_CASE_METHOD(fixture,
                 "restarts spread wider than the window never give "
                 "up",
                 "[supervisor]") {
  auto sup = start(spec(strategy::one_for_one, {child("a", log)}, {2, 5000ms}));
  for (int i = 0; i < 10; ++i) {
    crash("a");
    run_for(3000ms);
  }
  CHECK(log->count("start a") == 11);
  CHECK(!exit_reason->has_value());
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST_CASE_METHOD(fixture,
                 "a supervisor that gives up escalates to its "
                 "parent, which restarts the whole subtree",
                 "[supervisor]") {
  supervisor_spec inner = spec(strategy::one_for_one, {child("w", log)},
                               supervision::intensity{1, 5000ms});
  inner.name = "inner";
  auto outer = spec(strategy::one_for_one,
                    {child("sibling", log), supervisor_child(inner)});
  outer.name = "outer";
  auto sup = start(outer);
  crash("w"); // restart 1 of 1: fine
  run_for(10ms);
  crash("w");                        // one too many: inner gives up
  CHECK(log->count("start w") == 3); // the new inner started a fresh w
  CHECK(log->count("start sibling") == 1);
  CHECK(!exit_reason->has_value());
  auto lines = tree(sup);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].name == "outer");
  CHECK(lines[2].name == "inner");
  CHECK(lines[2].depth == 1);
  CHECK(lines[2].restarts == 1);
  CHECK(lines[2].detail.find("escalations 1") != std::string::npos);
  CHECK(lines[3].name == "w");
  CHECK(lines[3].depth == 2);
  CHECK(lines[3].restarts == 0);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
  CHECK(log->events.back() == "stop sibling");
}

TEST_CASE_METHOD(fixture,
                 "a child that ignores the stop request is killed "
                 "after its shutdown timeout",
                 "[supervisor]") {
  auto sup = start(
    spec(strategy::one_for_one,
         {child("a", log), child("stubborn", log, restart::permanent, true)}));
  log->events.clear();
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  sched.run();
  CHECK(log->events.empty());
  CHECK(!exit_reason->has_value());
  run_for(100ms);
  CHECK(log->events == std::vector<std::string>{"stop stubborn", "stop a"});
  CHECK(exit_reason->has_value());
}

TEST_CASE_METHOD(fixture, "a child that fails to start counts as a failure",
                 "[supervisor]") {
  int attempts = 0;
  child_spec broken;
  broken.name = "broken";
  broken.start = [&](caf::local_actor*) -> caf::actor {
    ++attempts;
    throw std::runtime_error("database unreachable");
  };
  start(spec(strategy::one_for_one, {child("a", log), broken},
             supervision::intensity{3, 5000ms}));
  CHECK(attempts == 2); // the first start and an immediate retry
  run_for(10ms);
  CHECK(attempts == 3);
  run_for(20ms);
  CHECK(attempts == 4);
  REQUIRE(exit_reason->has_value()); // the fourth failure is one too many
  CHECK(errc_of(**exit_reason) == errc::gave_up);
  CHECK(log->events.back() == "stop a");
}

TEST_CASE_METHOD(fixture,
                 "an injected fault in a supervisor takes its "
                 "children down with it",
                 "[supervisor]") {
  auto sup = start(spec(strategy::one_for_one, three()));
  caf::anon_send(sup, dbg_crash_atom::value);
  sched.run();
  REQUIRE(exit_reason->has_value());
  CHECK(**exit_reason);
  CHECK(log->count("stop a") == 1);
  CHECK(log->count("stop b") == 1);
  CHECK(log->count("stop c") == 1);
}
