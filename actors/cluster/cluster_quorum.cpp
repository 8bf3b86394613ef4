#include <chrono>

#include <caf/all.hpp>

#include "actors/cluster/cluster_state.hpp"
#include "runtime/log.hpp"

namespace lunch::cluster_detail {

namespace {

int64_t ms(caf::timespan t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t).count();
}

// A peer answered a ping (every half tick) within the window.
bool heard_lately(self_ptr self, const std::string& name) {
  auto& st = self->state;
  auto i = st.heard.find(name);
  return i != st.heard.end() && steady::now() - i->second <= st.cfg.heard;
}

// Leniently (serving): every peer connected or being confirmed. Strictly
// (acting): only peers that answered lately.
quorum_input input_of(self_ptr self, bool lenient) {
  auto& st = self->state;
  quorum_input in;
  in.me = my_name(self);
  in.catalog = st.view.nodes;
  in.stale_ms = ms(st.cfg.stale);
  for (auto& [name, p] : st.peers)
    if (lenient || heard_lately(self, name))
      in.reachable.insert(name);
  if (lenient)
    for (auto& [name, deadline] : st.confirming)
      in.reachable.insert(name);
  // Gone means this incarnation refused us: a newer one is a new member.
  for (auto& [name, incarnation] : st.gone) {
    bool newer = false;
    for (auto& n : st.view.nodes)
      if (n.name == name && n.incarnation != incarnation)
        newer = true;
    if (!newer)
      in.gone.insert(name);
  }
  return in;
}

void tell_gateway_quorum(self_ptr self, const std::string& why) {
  if (auto gw = gateway(self))
    caf::anon_send(gw, clu_quorum_atom::value, why);
}

std::string minority_reason(const quorum_verdict& v) {
  return "not in the majority; " + v.describe();
}

// Lost the majority: serve nothing (the majority takes the shards over,
// fenced by their new epochs) and answer clients at once.
void step_aside(self_ptr self) {
  auto& st = self->state;
  st.stepped_aside = true;
  if (st.ever_majority)
    log::warn("cluster.minority", {{"reachable", st.verdict.describe()}});
  else
    log::info("cluster.awaiting_majority",
              {{"reachable", st.verdict.describe()}});
  tell_gateway_quorum(self, minority_reason(st.verdict));
  // At once: the catalog may be out of reach too.
  stop_all_shards(self, "not in the majority");
}

void step_back(self_ptr self) {
  auto& st = self->state;
  if (st.stepped_aside && st.ever_majority)
    log::info("cluster.majority", {{"reachable", st.verdict.describe()}});
  st.stepped_aside = false;
  st.ever_majority = true;
  tell_gateway_quorum(self, "");
}

} // namespace

bool judge(self_ptr self) {
  auto& st = self->state;
  st.verdict = judge_quorum(input_of(self, true));
  bool had = st.serving;
  st.serving = st.verdict.majority;
  if (st.serving && (!had || st.stepped_aside))
    step_back(self);
  else if (!st.serving && (had || !st.stepped_aside))
    step_aside(self);
  else if (!st.serving)
    // A restarted gateway starts out serving: say it again each time.
    tell_gateway_quorum(self, minority_reason(st.verdict));
  return may_act(self);
}

bool may_act(self_ptr self) {
  return judge_quorum(input_of(self, false)).majority;
}

void ping_peers(self_ptr self) {
  auto& st = self->state;
  for (auto& [name, p] : st.peers)
    self->request(p.cluster, st.cfg.tick, clu_routes_atom::value)
      .then(
        [=, name = name](std::vector<shard_route>&) {
          self->state.heard[name] = steady::now();
        },
        [](caf::error&) {});
}

void check_database_liveness(self_ptr self) {
  auto& st = self->state;
  if (!may_act(self))
    return;
  for (auto& [name, p] : st.peers)
    if (auto row = listed_member(self, p);
        row && without_database(self, *row)) {
      log::warn("cluster.peer_without_database",
                {{"peer", name},
                 {"heartbeat_age_ms", std::to_string(row->heartbeat_age_ms)}});
      declare_dead(self, *row);
    }
}

void probe(self_ptr self, const std::string& host, uint16_t port,
           caf::timespan timeout, std::function<void(reach, held_probe)> done) {
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  // Shared with the prober: closed by whichever lets go last, also when
  // the prober answers after the timeout.
  auto held = std::make_shared<probe_socket>();
  auto prober = self->home_system().spawn<caf::detached>(
    [=](caf::event_based_actor* p) -> caf::behavior {
      return {[=](caf::get_atom) {
        p->quit();
        return static_cast<int32_t>(probe_tcp(host, port, wait, held.get()));
      }};
    });
  // The probe ends by itself after `timeout`; the margin covers a thread
  // start on a busy machine.
  self->request(prober, timeout + std::chrono::seconds(1), caf::get_atom::value)
    .then([=](int32_t r) { done(static_cast<reach>(r), held); },
          [=](caf::error&) { done(reach::unreachable, nullptr); });
}

} // namespace lunch::cluster_detail
