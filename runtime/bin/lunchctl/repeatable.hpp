#pragma once

// Which requests lunchctl may send again over a new connection when the
// node dropped the old one before answering (a client starved of CPU for
// the node's heartbeat timeout looks dead to it): reads, and writes with a
// request id, which the shard applies once. Any other write (a job
// submitted, a build started, a fault injected) is reported as lost, since
// it may have been applied.

#include <type_traits>

#include "messages/gateway_protocol.hpp"

namespace lunch::ctl {

template <class Atom, class... Reads>
constexpr bool one_of = (std::is_same_v<Atom, Reads> || ...);

/// The requests that change nothing.
template <class Atom>
constexpr bool is_read
  = one_of<Atom, usr_get_atom, usr_search_atom, usr_shard_atom, pty_get_atom,
           pty_mine_atom, pty_list_atom, cal_list_atom, ntf_list_atom,
           mnt_get_atom, job_status_atom, job_list_atom, job_workers_atom,
           sch_list_atom, rec_get_atom, rec_days_atom, rec_suggst_atom,
           rec_daily_atom, rec_score_atom, rec_prog_atom, cache_stats_atom,
           shd_map_atom, shd_stats_atom, shd_plan_atom, nod_status_atom,
           dbg_tree_atom, clu_status_atom, clu_events_atom>;

/// A write's request id (empty: none given).
inline bool has_request_id(const request_id& rid) {
  return !rid.empty();
}
template <class T>
bool has_request_id(const T&) {
  return false;
}

/// True if (atom, xs...) may be sent twice with the same outcome.
template <class Atom, class... Ts>
bool repeatable(const Atom&, const Ts&... xs) {
  return is_read<Atom> || (has_request_id(xs) || ...);
}

} // namespace lunch::ctl
