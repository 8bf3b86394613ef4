#include "runtime/system_config.hpp"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

#include "messages/cluster_protocol.hpp"
#include "messages/errors.hpp"
#include "messages/event_inspect.hpp"
#include "messages/gateway_protocol.hpp"
#include "messages/job_inspect.hpp"
#include "messages/maintenance_inspect.hpp"
#include "messages/notification_inspect.hpp"
#include "messages/recommend_inspect.hpp"
#include "messages/recommend_protocol.hpp"
#include "messages/region_protocol.hpp"
#include "messages/supervision_protocol.hpp"

namespace lunch::runtime {

void configure(caf::actor_system_config& cfg, int32_t threads, heartbeats hb) {
  cfg.load<caf::io::middleman>();
  // add_message_type<T> also registers std::vector<T>.
  cfg.add_message_type<user_key>("lunch::user_key");
  cfg.add_message_type<party_id>("lunch::party_id");
  cfg.add_message_type<request_id>("lunch::request_id");
  cfg.add_message_type<user_profile>("lunch::user_profile");
  cfg.add_message_type<user_patch>("lunch::user_patch");
  cfg.add_message_type<user_view>("lunch::user_view");
  cfg.add_message_type<user_summary>("lunch::user_summary");
  cfg.add_message_type<party_record>("lunch::party_record");
  cfg.add_message_type<party_patch>("lunch::party_patch");
  cfg.add_message_type<member_view>("lunch::member_view");
  cfg.add_message_type<party_view>("lunch::party_view");
  cfg.add_message_type<party_filter>("lunch::party_filter");
  cfg.add_message_type<key_location>("lunch::key_location");
  cfg.add_message_type<slot_range>("lunch::slot_range");
  cfg.add_message_type<shard_stats>("lunch::shard_stats");
  cfg.add_message_type<rebalance_step>("lunch::rebalance_step");
  cfg.add_message_type<rebalance_plan>("lunch::rebalance_plan");
  cfg.add_message_type<node_status>("lunch::node_status");
  cfg.add_message_type<points_mark>("lunch::points_mark");
  cfg.add_message_type<points_award>("lunch::points_award");
  cfg.add_message_type<user_lookup>("lunch::user_lookup");
  cfg.add_message_type<party_lookup>("lunch::party_lookup");
  cfg.add_message_type<party_created>("lunch::party_created");
  cfg.add_message_type<region_status>("lunch::region_status");
  cfg.add_message_type<tree_line>("lunch::tree_line");
  cfg.add_message_type<node_info>("lunch::node_info");
  cfg.add_message_type<shard_lease>("lunch::shard_lease");
  cfg.add_message_type<cluster_view>("lunch::cluster_view");
  cfg.add_message_type<cluster_event>("lunch::cluster_event");
  cfg.add_message_type<cluster_status>("lunch::cluster_status");
  cfg.add_message_type<shard_route>("lunch::shard_route");
  cfg.add_message_type<peer_hello>("lunch::peer_hello");
  cfg.add_message_type<calendar_entry>("lunch::calendar_entry");
  cfg.add_message_type<notification>("lunch::notification");
  cfg.add_message_type<notification_inbox>("lunch::notification_inbox");
  cfg.add_message_type<cleanup_counts>("lunch::cleanup_counts");
  cfg.add_message_type<analytics_counts>("lunch::analytics_counts");
  cfg.add_message_type<analytics_summary>("lunch::analytics_summary");
  cfg.add_message_type<user_analytics>("lunch::user_analytics");
  cfg.add_message_type<rec_user>("lunch::rec_user");
  cfg.add_message_type<rec_count>("lunch::rec_count");
  cfg.add_message_type<rec_busy>("lunch::rec_busy");
  cfg.add_message_type<rec_dined>("lunch::rec_dined");
  cfg.add_message_type<rec_shard_snapshot>("lunch::rec_shard_snapshot");
  cfg.add_message_type<rec_change>("lunch::rec_change");
  cfg.add_message_type<rec_member>("lunch::rec_member");
  cfg.add_message_type<rec_item>("lunch::rec_item");
  cfg.add_message_type<rec_day>("lunch::rec_day");
  cfg.add_message_type<daily_member>("lunch::daily_member");
  cfg.add_message_type<daily_group>("lunch::daily_group");
  cfg.add_message_type<suggest_member>("lunch::suggest_member");
  cfg.add_message_type<suggest_group>("lunch::suggest_group");
  cfg.add_message_type<rec_build_spec>("lunch::rec_build_spec");
  cfg.add_message_type<rec_progress>("lunch::rec_progress");
  cfg.add_message_type<rec_part_spec>("lunch::rec_part_spec");
  cfg.add_message_type<rec_part_done>("lunch::rec_part_done");
  cfg.add_message_type<rec_refresh_report>("lunch::rec_refresh_report");
  cfg.add_message_type<rec_cache_stats>("lunch::rec_cache_stats");
  cfg.add_message_type<domain_event>("lunch::domain_event");
  cfg.add_message_type<job_record>("lunch::job_record");
  cfg.add_message_type<job_worker_stats>("lunch::job_worker_stats");
  cfg.add_message_type<schedule_view>("lunch::schedule_view");
  cfg.add_message_type<schedule_table>("lunch::schedule_table");
  cfg.add_message_type<event_cursor>("lunch::event_cursor");
  cfg.add_message_type<std::vector<int64_t>>("std::vector<int64_t>");
  cfg.add_message_type<std::vector<int32_t>>("std::vector<int32_t>");
  register_error_renderer(cfg);
  // Nodes of a different protocol version refuse the BASP handshake. Raise
  // it when a message between nodes changes (2: change notices in batches).
  cfg.set("middleman.app-identifiers", std::vector<std::string>{"lunchmesh/2"});
  // BASP heartbeats: a paused peer is noticed after the timeout. Every node
  // of a cluster uses the same values (the catalog checks).
  cfg.set("middleman.heartbeat-interval",
          caf::timespan{std::chrono::milliseconds(hb.interval_ms)});
  cfg.set("middleman.connection-timeout",
          caf::timespan{std::chrono::milliseconds(hb.timeout_ms)});
  // Messages are deserialized on the middleman's own thread, not by BASP
  // workers. CAF 0.17 forgets a closed connection only after the workers
  // delivered what came before; meanwhile a new connection can get the
  // same file descriptor, shake hands, and then lose its route when the
  // old one is forgotten: its answers are dropped without a word. 1 500
  // lunchctl reads against 3 busy nodes lost 5 answers with one worker and
  // none without (one run each); reads and writes ran as fast either way.
  cfg.set("middleman.workers", size_t{0});
  // CAF's default is max(4, cores); on small machines one worker per core
  // measured about 20 % faster (fewer context switches).
  if (threads <= 0)
    threads
      = static_cast<int32_t>(std::max(2u, std::thread::hardware_concurrency()));
  cfg.set("scheduler.max-threads", threads);
  // An idle worker polls its queue with 50 us sleeps for 500 tries (25-40
  // ms of wake-ups) before it waits on its condition variable, which a new
  // job wakes at once. Timers and heartbeats come every few ms, so an idle
  // node rarely got that far and burnt ~16 % of a core; 50 tries: 5-8 %.
  cfg.set("work-stealing.moderate-poll-attempts", size_t{50});
}

} // namespace lunch::runtime
