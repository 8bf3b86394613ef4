#include "runtime/supervisor.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include "messages/errors.hpp"
#include "runtime/actor_directory.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/fault_injector.hpp"
#include "runtime/gather.hpp"
#include "runtime/log.hpp"
#include "runtime/supervisor_state.hpp"

namespace lunch {

namespace {

using namespace supervision_detail;

log::fields about(self_ptr self, const child& c) {
  return {{"supervisor", self->state.spec.name}, {"child", c.spec.name}};
}

bool alive(const child& c) {
  return c.state == status::running || c.state == status::stopping;
}

void on_failure(self_ptr self, size_t i, const std::string& reason,
                bool is_abnormal, bool gave_up);

// Starts child i. A start that throws or yields no actor is a failure of
// the child, handled at once.
bool start_child(self_ptr self, size_t i) {
  auto& st = self->state;
  auto& c = st.children[i];
  caf::actor h;
  std::string failure = "start returned no actor";
  try {
    h = c.spec.start(self);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!h) {
    auto f = about(self, c);
    f.emplace_back("error", failure);
    log::error("supervisor.start_failed", f);
    c.state = status::stopped;
    c.last_exit = failure;
    on_failure(self, i, failure, true, false);
    return false;
  }
  if (c.generation > 0)
    ++c.restarts;
  ++c.generation;
  c.handle = h;
  c.state = status::running;
  self->monitor(h);
  st.live->push_back(h);
  if (st.spec.directory)
    st.spec.directory->put(c.spec.name, h);
  return true;
}

void finish_if_done(self_ptr self) {
  auto& st = self->state;
  if (!st.shutting_down)
    return;
  for (auto& c : st.children)
    if (alive(c))
      return;
  self->quit(st.exit_reason);
}

// Stops the next queued child unless one is stopping already.
void continue_stops(self_ptr self) {
  auto& st = self->state;
  while (!st.stopping && !st.stop_queue.empty()) {
    auto j = st.stop_queue.front();
    st.stop_queue.pop_front();
    auto& c = st.children[j];
    if (c.state != status::stopping || !c.handle)
      continue;
    st.stopping = j;
    self->send_exit(c.handle, caf::exit_reason::user_shutdown);
    caf::delayed_anon_send(caf::actor_cast<supervisor_impl>(self),
                           c.spec.shutdown, sup_kill_atom::value, c.generation);
  }
}

void queue_stop(self_ptr self, size_t j) {
  auto& c = self->state.children[j];
  if (c.state != status::running)
    return;
  c.state = status::stopping;
  self->state.stop_queue.push_back(j);
}

void start_members(self_ptr self, std::vector<size_t> members);

// Starts every pending restart whose delay has passed and whose members
// are all down.
void run_due_restarts(self_ptr self) {
  auto& st = self->state;
  for (size_t k = 0; k < st.pending.size(); ++k) {
    auto& p = st.pending[k];
    if (!p.due)
      continue;
    bool down = std::none_of(p.members.begin(), p.members.end(),
                             [&](size_t j) { return alive(st.children[j]); });
    if (!down)
      continue;
    std::vector<size_t> members(p.members.begin(), p.members.end());
    st.pending.erase(st.pending.begin() + static_cast<ptrdiff_t>(k));
    start_members(self, std::move(members));
    run_due_restarts(self); // the vector may have changed
    return;
  }
}

void start_members(self_ptr self, std::vector<size_t> members) {
  for (auto j : members) {
    if (self->state.shutting_down)
      return;
    // A failed start plans its own restart, which takes the rest along
    // (they are still `restarting`, so its group collects them).
    if (!start_child(self, j))
      return;
  }
}

void begin_shutdown(self_ptr self, caf::error reason) {
  auto& st = self->state;
  st.shutting_down = true;
  st.exit_reason = std::move(reason);
  st.pending.clear();
  st.stop_queue.clear();
  for (size_t j = st.children.size(); j-- > 0;) {
    auto& c = st.children[j];
    if (c.state == status::running)
      c.state = status::stopping;
    if (c.state == status::stopping && (!st.stopping || *st.stopping != j))
      st.stop_queue.push_back(j);
    if (c.state == status::restarting)
      c.state = status::stopped;
  }
  continue_stops(self);
  finish_if_done(self);
}

void give_up(self_ptr self, size_t i, const std::string& reason) {
  auto& st = self->state;
  auto& c = st.children[i];
  begin_shutdown(self, give_up_reason(st.spec.name, c.spec.name,
                                      c.spec.name + " failed",
                                      st.window->limit(), reason));
}

// Child i stopped on its own (or failed to start): restart it and its group
// after the backoff delay, or give up past the intensity limit.
void on_failure(self_ptr self, size_t i, const std::string& reason,
                bool is_abnormal, bool gave_up) {
  auto& st = self->state;
  auto& c = st.children[i];
  if (gave_up)
    ++c.escalations;
  if (!supervision::should_restart(c.spec.restart, is_abnormal)) {
    c.state = status::stopped;
    c.removed = c.spec.restart == supervision::restart::temporary;
    auto f = about(self, c);
    f.emplace_back("reason", reason);
    log::info("supervisor.child_stopped", f);
    return;
  }
  auto now = self->clock().now();
  if (!st.window->record(now)) {
    give_up(self, i, reason);
    return;
  }
  auto delay = c.backoff.next(now);
  c.state = status::restarting;
  // Collect the group: running members stop first; members that are down
  // already (restarting) come along, merging any restart they were in.
  pending_restart merged;
  merged.members.insert(i);
  auto group = supervision::restart_group(st.spec.strategy, i,
                                          st.children.size());
  // Reverse order: the others stop in the reverse of their start order.
  for (auto it = group.rbegin(); it != group.rend(); ++it) {
    auto j = *it;
    auto& m = st.children[j];
    if (j == i || m.removed || m.state == status::stopped)
      continue;
    if (m.spec.restart == supervision::restart::temporary) {
      queue_stop(self, j); // stops with the group, never comes back
      continue;
    }
    if (m.state == status::running)
      queue_stop(self, j);
    merged.members.insert(j);
  }
  for (size_t k = 0; k < st.pending.size();) {
    auto& p = st.pending[k];
    bool overlaps
      = std::any_of(p.members.begin(), p.members.end(),
                    [&](size_t j) { return merged.members.count(j) > 0; });
    if (overlaps) {
      merged.members.insert(p.members.begin(), p.members.end());
      st.pending.erase(st.pending.begin() + static_cast<ptrdiff_t>(k));
    } else {
      ++k;
    }
  }
  merged.timer = st.next_timer++;
  merged.due = delay.count() == 0;
  if (!merged.due)
    caf::delayed_anon_send(caf::actor_cast<supervisor_impl>(self), delay,
                           sup_restart_atom::value, merged.timer);
  st.pending.push_back(std::move(merged));
  auto f = about(self, c);
  f.emplace_back("reason", reason);
  f.emplace_back("restart", std::to_string(c.restarts + 1));
  f.emplace_back("delay_ms", std::to_string(delay.count()));
  f.emplace_back("strategy", supervision::to_string(st.spec.strategy));
  log::warn("supervisor.restart", f);
  continue_stops(self);
  run_due_restarts(self);
}

// A removed child is gone for good: out of any planned restart, answered.
void finish_removal(self_ptr self, size_t j) {
  auto& st = self->state;
  auto& c = st.children[j];
  for (auto& p : st.pending)
    p.members.erase(j);
  st.pending.erase(std::remove_if(st.pending.begin(), st.pending.end(),
                                  [](auto& p) { return p.members.empty(); }),
                   st.pending.end());
  c.state = status::stopped;
  c.removed = true;
  c.removing = false;
  log::info("supervisor.child_removed", about(self, c));
  for (auto& rp : c.removal_waiters)
    rp.deliver(true);
  c.removal_waiters.clear();
}

caf::result<bool> add_child(self_ptr self, int32_t key) {
  auto& st = self->state;
  if (!st.spec.make_child)
    return make_error(errc::invalid_argument,
                      st.spec.name + " has no dynamic children");
  if (st.shutting_down)
    return make_error(errc::unavailable, st.spec.name + " is stopping");
  auto spec = st.spec.make_child(key);
  auto i = std::find_if(st.children.begin(), st.children.end(),
                        [&](auto& c) { return c.spec.name == spec.name; });
  size_t j;
  if (i == st.children.end()) {
    j = st.children.size();
    st.children.emplace_back(spec, supervision::backoff{st.spec.backoff,
                                                        st.spec.seed + j});
  } else {
    j = static_cast<size_t>(i - st.children.begin());
    if (!i->removed && i->state != status::stopped)
      return false; // running, restarting or being removed
    i->spec = spec;
    i->removed = false;
    i->generation = 0; // a fresh start, not a restart
  }
  log::info("supervisor.child_added", about(self, st.children[j]));
  start_child(self, j);
  return true;
}

caf::result<bool> remove_child(self_ptr self, const std::string& name) {
  auto& st = self->state;
  auto i = std::find_if(st.children.begin(), st.children.end(),
                        [&](auto& c) { return c.spec.name == name; });
  if (i == st.children.end() || i->removed)
    return false;
  auto j = static_cast<size_t>(i - st.children.begin());
  i->removing = true;
  if (i->state == status::restarting || i->state == status::stopped) {
    finish_removal(self, j);
    return true;
  }
  auto rp = self->make_response_promise<bool>();
  i->removal_waiters.push_back(rp);
  queue_stop(self, j);
  continue_stops(self);
  return rp;
}

void on_down(self_ptr self, caf::down_msg& msg) {
  auto& st = self->state;
  auto i = std::find_if(st.children.begin(), st.children.end(),
                        [&](const child& c) {
                          return c.handle && c.handle.address() == msg.source;
                        });
  if (i == st.children.end())
    return;
  auto j = static_cast<size_t>(i - st.children.begin());
  auto& c = *i;
  if (st.spec.directory)
    st.spec.directory->erase(c.spec.name, msg.source);
  auto& live = *st.live;
  live.erase(std::remove(live.begin(), live.end(), c.handle), live.end());
  c.handle = nullptr;
  c.last_exit = exit_text(msg.reason);
  if (c.state == status::stopping) {
    // We asked it to stop (or it died while queued to be stopped).
    if (st.stopping && *st.stopping == j)
      st.stopping.reset();
    bool planned = !c.removing
                   && std::any_of(st.pending.begin(), st.pending.end(),
                                  [&](const pending_restart& p) {
                                    return p.members.count(j) > 0;
                                  });
    c.state = planned ? status::restarting : status::stopped;
    if (!planned && c.spec.restart == supervision::restart::temporary)
      c.removed = true;
    if (c.removing)
      finish_removal(self, j);
    continue_stops(self);
    run_due_restarts(self);
    finish_if_done(self);
    return;
  }
  c.state = status::stopped;
  if (st.shutting_down) {
    finish_if_done(self);
    return;
  }
  bool escalated = errc_of(msg.reason) == errc::gave_up
                   && msg.reason.category() == caf::atom("lunch");
  auto f = about(self, c);
  f.emplace_back("reason", c.last_exit);
  if (abnormal_exit(msg.reason))
    log::error(escalated ? "supervisor.escalated" : "supervisor.child_failed",
               f);
  on_failure(self, j, c.last_exit, abnormal_exit(msg.reason), escalated);
}

void on_kill_timer(self_ptr self, uint64_t generation) {
  auto& st = self->state;
  if (!st.stopping)
    return;
  auto& c = st.children[*st.stopping];
  if (c.generation != generation || c.state != status::stopping || !c.handle)
    return;
  auto f = about(self, c);
  f.emplace_back("shutdown_ms", std::to_string(c.spec.shutdown.count()));
  log::error("supervisor.child_killed", f);
  self->send_exit(c.handle, caf::exit_reason::kill);
}

supervisor_impl::behavior_type supervisor(self_ptr self, supervisor_spec spec) {
  auto& st = self->state;
  st.window.emplace(spec.intensity);
  uint64_t seed = spec.seed;
  for (auto& cs : spec.children)
    st.children.emplace_back(cs, supervision::backoff{spec.backoff, seed++});
  st.spec = std::move(spec);
  answer_crashes(self, st.spec.name);
  self->set_down_handler([=](caf::down_msg& msg) { on_down(self, msg); });
  // If the supervisor dies (a bug, an injected fault), its children go too:
  // its own supervisor starts a fresh subtree, never a second copy.
  self->attach_functor([live = st.live](const caf::error& reason) {
    for (auto& h : *live)
      caf::anon_send_exit(h, reason ? caf::exit_reason::kill
                                    : caf::exit_reason::user_shutdown);
  });
  // Nothing is linked to a supervisor: any exit message is a stop request
  // from its parent or from main.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    auto& st = self->state;
    if (!st.shutting_down) {
      log::info("supervisor.stopping", {{"supervisor", st.spec.name},
                                        {"reason", exit_text(msg.reason)}});
      begin_shutdown(self, msg.reason);
    }
  });
  std::vector<size_t> all(st.children.size());
  for (size_t j = 0; j < all.size(); ++j)
    all[j] = j;
  start_members(self, all);
  if (st.spec.initial_keys)
    for (auto key : st.spec.initial_keys())
      add_child(self, key);
  return {
    [=](sup_tree_atom) { return tree(self); },
    [=](dbg_crash_atom) { throw injected_fault(self->state.spec.name); },
    [=](sup_restart_atom, uint64_t timer) {
      for (auto& p : self->state.pending)
        if (p.timer == timer)
          p.due = true;
      run_due_restarts(self);
    },
    [=](sup_kill_atom, uint64_t generation) {
      on_kill_timer(self, generation);
    },
    [=](sup_add_atom, int32_t key) { return add_child(self, key); },
    [=](sup_remove_atom, const std::string& name) {
      return remove_child(self, name);
    },
  };
}

} // namespace

bool abnormal_exit(const caf::error& reason) {
  return reason && reason != caf::exit_reason::normal
         && reason != caf::exit_reason::user_shutdown;
}

std::string exit_text(const caf::error& reason) {
  if (!reason)
    return "normal";
  auto msg = message_of(reason);
  return msg.empty() ? to_string(reason) : msg;
}

caf::error give_up_reason(const std::string& supervisor,
                          const std::string& child, const std::string& what,
                          const supervision::intensity& limit,
                          const std::string& last) {
  log::error("supervisor.gave_up",
             {{"supervisor", supervisor},
              {"child", child},
              {"restarts", std::to_string(limit.max_restarts)},
              {"within_ms", std::to_string(limit.period.count())},
              {"reason", last}});
  return make_error(errc::gave_up,
                    supervisor + " gave up: " + what + " more than "
                      + std::to_string(limit.max_restarts) + " times within "
                      + std::to_string(limit.period.count())
                      + " ms (last: " + last + ")");
}

supervisor_actor spawn_supervisor(caf::actor_system& sys, supervisor_spec spec,
                                  bool detached) {
  if (detached)
    return caf::actor_cast<supervisor_actor>(
      sys.spawn<caf::detached>(supervisor, std::move(spec)));
  return caf::actor_cast<supervisor_actor>(
    sys.spawn(supervisor, std::move(spec)));
}

child_spec supervisor_child(supervisor_spec spec,
                            supervision::restart restart) {
  child_spec c;
  c.name = spec.name;
  c.restart = restart;
  c.kind = child_kind::supervisor;
  c.shutdown = std::chrono::milliseconds(30000);
  c.start = [spec](caf::local_actor* parent) {
    return caf::actor_cast<caf::actor>(parent->spawn(supervisor, spec));
  };
  return c;
}

} // namespace lunch
