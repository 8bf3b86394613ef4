#pragma once

// Project atoms: the verbs of every protocol. At most 10 characters of
// [0-9A-Za-z_] each; two atoms with the same text are the same type.

#include <caf/atom.hpp>

namespace lunch {

// users
using usr_create_atom = caf::atom_constant<caf::atom("usr_create")>;
using usr_get_atom = caf::atom_constant<caf::atom("usr_get")>;
using usr_update_atom = caf::atom_constant<caf::atom("usr_update")>;
using usr_delete_atom = caf::atom_constant<caf::atom("usr_delete")>;
using usr_search_atom = caf::atom_constant<caf::atom("usr_search")>;
using usr_shard_atom = caf::atom_constant<caf::atom("usr_shard")>;
using usr_brief_atom = caf::atom_constant<caf::atom("usr_brief")>;
using usr_changed_atom = caf::atom_constant<caf::atom("usr_chgd")>;

// parties
using pty_create_atom = caf::atom_constant<caf::atom("pty_create")>;
using pty_get_atom = caf::atom_constant<caf::atom("pty_get")>;
using pty_join_atom = caf::atom_constant<caf::atom("pty_join")>;
using pty_leave_atom = caf::atom_constant<caf::atom("pty_leave")>;
using pty_update_atom = caf::atom_constant<caf::atom("pty_update")>;
using pty_delete_atom = caf::atom_constant<caf::atom("pty_delete")>;
using pty_mine_atom = caf::atom_constant<caf::atom("pty_mine")>;
using pty_list_atom = caf::atom_constant<caf::atom("pty_list")>;

// points
using pts_award_atom = caf::atom_constant<caf::atom("pts_award")>;
using pts_scan_atom = caf::atom_constant<caf::atom("pts_scan")>;

// personal calendar entries
using cal_add_atom = caf::atom_constant<caf::atom("cal_add")>;
using cal_list_atom = caf::atom_constant<caf::atom("cal_list")>;
using cal_delete_atom = caf::atom_constant<caf::atom("cal_delete")>;

// notifications inbox (spec §10.1)
using ntf_add_atom = caf::atom_constant<caf::atom("ntf_add")>;
using ntf_list_atom = caf::atom_constant<caf::atom("ntf_list")>;
using ntf_read_atom = caf::atom_constant<caf::atom("ntf_read")>;
using ntf_readall_atom = caf::atom_constant<caf::atom("ntf_rdall")>;
using ntf_delete_atom = caf::atom_constant<caf::atom("ntf_delete")>;
using ntf_clear_atom = caf::atom_constant<caf::atom("ntf_clear")>;

// data jobs: cleanup and user analytics (spec §5)
using mnt_clean_atom = caf::atom_constant<caf::atom("mnt_clean")>;
using mnt_scan_atom = caf::atom_constant<caf::atom("mnt_scan")>;
using mnt_store_atom = caf::atom_constant<caf::atom("mnt_store")>;
using mnt_analytics_atom = caf::atom_constant<caf::atom("mnt_analyt")>;
using mnt_get_atom = caf::atom_constant<caf::atom("mnt_get")>;

// domain events (the outbox)
using evt_pending_atom = caf::atom_constant<caf::atom("evt_pend")>;
using evt_cursor_atom = caf::atom_constant<caf::atom("evt_cursor")>;
using evt_new_atom = caf::atom_constant<caf::atom("evt_new")>;

// background jobs (spec §5)
using job_submit_atom = caf::atom_constant<caf::atom("job_submit")>;
using job_status_atom = caf::atom_constant<caf::atom("job_status")>;
using job_cancel_atom = caf::atom_constant<caf::atom("job_cancel")>;
using job_list_atom = caf::atom_constant<caf::atom("job_list")>;
using job_workers_atom = caf::atom_constant<caf::atom("job_wrkrs")>;

// recommendation inputs: a snapshot of every shard, and committed changes
using rec_snapshot_atom = caf::atom_constant<caf::atom("rec_snap")>;
using rec_change_atom = caf::atom_constant<caf::atom("rec_change")>;

// shards and node
using shd_map_atom = caf::atom_constant<caf::atom("shd_map")>;
using shd_stats_atom = caf::atom_constant<caf::atom("shd_stats")>;
using shd_plan_atom = caf::atom_constant<caf::atom("shd_plan")>;
using nod_status_atom = caf::atom_constant<caf::atom("nod_status")>;

// shard owner storage verbs (node-local)
using db_load_atom = caf::atom_constant<caf::atom("db_load")>;
using db_insert_atom = caf::atom_constant<caf::atom("db_insert")>;
using db_save_atom = caf::atom_constant<caf::atom("db_save")>;
using db_delete_atom = caf::atom_constant<caf::atom("db_delete")>;
using db_purge_atom = caf::atom_constant<caf::atom("db_purge")>;
using db_addmem_atom = caf::atom_constant<caf::atom("db_addmem")>;
using db_rmmem_atom = caf::atom_constant<caf::atom("db_rmmem")>;
using db_seen_atom = caf::atom_constant<caf::atom("db_seen")>;

// entity lifecycle (node-local)
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using evict_atom = caf::atom_constant<caf::atom("evict")>;

// supervision and fault injection
using sup_tree_atom = caf::atom_constant<caf::atom("sup_tree")>;
using dbg_crash_atom = caf::atom_constant<caf::atom("dbg_crash")>;
using dbg_heal_atom = caf::atom_constant<caf::atom("dbg_heal")>;
using dbg_tree_atom = caf::atom_constant<caf::atom("dbg_tree")>;

// cluster membership and shard leases
using clu_hello_atom = caf::atom_constant<caf::atom("clu_hello")>;
using clu_route_atom = caf::atom_constant<caf::atom("clu_route")>;
using clu_sync_atom = caf::atom_constant<caf::atom("clu_sync")>;
using clu_status_atom = caf::atom_constant<caf::atom("clu_status")>;
using clu_events_atom = caf::atom_constant<caf::atom("clu_events")>;
using clu_leave_atom = caf::atom_constant<caf::atom("clu_leave")>;
using clu_lost_atom = caf::atom_constant<caf::atom("clu_lost")>;
using clu_routes_atom = caf::atom_constant<caf::atom("clu_routes")>;
using clu_quorum_atom = caf::atom_constant<caf::atom("clu_quorum")>;
using cat_reg_atom = caf::atom_constant<caf::atom("cat_reg")>;
using cat_beat_atom = caf::atom_constant<caf::atom("cat_beat")>;
using cat_assign_atom = caf::atom_constant<caf::atom("cat_assign")>;
using cat_handoff_atom = caf::atom_constant<caf::atom("cat_handof")>;
using cat_state_atom = caf::atom_constant<caf::atom("cat_state")>;
using cat_events_atom = caf::atom_constant<caf::atom("cat_events")>;

// dynamic children of a supervisor (node-local)
using sup_add_atom = caf::atom_constant<caf::atom("sup_add")>;
using sup_remove_atom = caf::atom_constant<caf::atom("sup_remove")>;

} // namespace lunch
