#include "config/node_config.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "messages/wire_formats.hpp"
#include "runtime/address.hpp"

namespace lunch::config {

namespace {

using nlohmann::json;

[[noreturn]] void reject(const std::string& origin, const std::string& field,
                         const std::string& why) {
  throw config_error(origin + ": " + field + ": " + why);
}

void reject_unknown_keys(const json& obj, const std::set<std::string>& known,
                         const std::string& origin, const std::string& prefix) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (known.count(it.key()) == 0)
      reject(origin, prefix + it.key(), "unknown key");
}

std::string required_string(const json& obj, const char* key,
                            const std::string& origin) {
  auto it = obj.find(key);
  if (it == obj.end())
    reject(origin, key, "missing");
  if (!it->is_string() || it->get<std::string>().empty())
    reject(origin, key, "must be a non-empty string");
  return it->get<std::string>();
}

int64_t integer_in(const json& value, const std::string& field, int64_t lo,
                   int64_t hi, const std::string& origin) {
  if (!value.is_number_integer())
    reject(origin, field, "must be an integer");
  auto x = value.get<int64_t>();
  if (x < lo || x > hi)
    reject(origin, field,
           "must be between " + std::to_string(lo) + " and "
             + std::to_string(hi));
  return x;
}

double number_in(const json& value, const std::string& field, double lo,
                 double hi, const std::string& origin) {
  if (!value.is_number())
    reject(origin, field, "must be a number");
  auto x = value.get<double>();
  if (x < lo || x > hi)
    reject(origin, field,
           "must be between " + std::to_string(lo) + " and "
             + std::to_string(hi));
  return x;
}

void parse_intensity(const json& obj, const std::string& prefix,
                     supervision::intensity& x, const std::string& origin) {
  if (auto it = obj.find("max_restarts"); it != obj.end())
    x.max_restarts = static_cast<int>(
      integer_in(*it, prefix + "max_restarts", 0, 100000, origin));
  if (auto it = obj.find("within_ms"); it != obj.end())
    x.period = supervision::millis{
      integer_in(*it, prefix + "within_ms", 1, 86400000, origin)};
}

void parse_backoff(const json& obj, const std::string& prefix,
                   supervision::backoff_policy& x, const std::string& origin) {
  auto ms = [&](const char* key, supervision::millis& out) {
    if (auto it = obj.find(key); it != obj.end())
      out = supervision::millis{
        integer_in(*it, prefix + key, 0, 86400000, origin)};
  };
  ms("backoff_min_ms", x.min);
  ms("backoff_max_ms", x.max);
  ms("reset_after_ms", x.reset_after);
  if (auto it = obj.find("backoff_factor"); it != obj.end())
    x.factor = number_in(*it, prefix + "backoff_factor", 1.0, 10.0, origin);
  if (auto it = obj.find("backoff_jitter"); it != obj.end())
    x.jitter = number_in(*it, prefix + "backoff_jitter", 0.0, 1.0, origin);
  if (x.min > x.max)
    reject(origin, prefix + "backoff_min_ms", "must not exceed backoff_max_ms");
}

// "supervision": {"root"|"shards"|"shard": {max_restarts, within_ms,
// backoff_*}, "entities": {max_restarts, within_ms}}
void parse_supervision(const json& doc, supervision_config& cfg,
                       const std::string& origin) {
  if (!doc.is_object())
    reject(origin, "supervision", "must be an object");
  reject_unknown_keys(doc, {"root", "shards", "shard", "entities"}, origin,
                      "supervision.");
  static const std::set<std::string> tuning_keys{
    "max_restarts",   "within_ms",      "backoff_min_ms", "backoff_max_ms",
    "backoff_factor", "backoff_jitter", "reset_after_ms"};
  auto level = [&](const char* name, supervisor_tuning& t) {
    auto it = doc.find(name);
    if (it == doc.end())
      return;
    auto prefix = std::string{"supervision."} + name + ".";
    if (!it->is_object())
      reject(origin, prefix.substr(0, prefix.size() - 1), "must be an object");
    reject_unknown_keys(*it, tuning_keys, origin, prefix);
    parse_intensity(*it, prefix, t.intensity, origin);
    parse_backoff(*it, prefix, t.backoff, origin);
  };
  level("root", cfg.root);
  level("shards", cfg.shards);
  level("shard", cfg.shard);
  if (auto it = doc.find("entities"); it != doc.end()) {
    if (!it->is_object())
      reject(origin, "supervision.entities", "must be an object");
    reject_unknown_keys(*it, {"max_restarts", "within_ms"}, origin,
                        "supervision.entities.");
    parse_intensity(*it, "supervision.entities.", cfg.entities, origin);
  }
}

// "cluster": {"seeds": ["HOST:PORT", ...], "heartbeat_ms",
// "heartbeat_timeout_ms", "catalog_interval_ms", "shards": [allowed ids]}
void parse_cluster(const json& doc, cluster_config& cfg, size_t shard_count,
                   const std::string& origin) {
  if (!doc.is_object())
    reject(origin, "cluster", "must be an object");
  reject_unknown_keys(doc,
                      {"seeds", "heartbeat_ms", "heartbeat_timeout_ms",
                       "catalog_interval_ms", "shards"},
                      origin, "cluster.");
  if (auto it = doc.find("seeds"); it != doc.end()) {
    if (!it->is_array())
      reject(origin, "cluster.seeds", "must be a list of \"HOST:PORT\"");
    for (size_t i = 0; i < it->size(); ++i) {
      auto field = "cluster.seeds[" + std::to_string(i) + "]";
      const auto& s = (*it)[i];
      auto addr = s.is_string() ? runtime::parse_host_port(s.get<std::string>())
                                : std::nullopt;
      if (!addr)
        reject(origin, field, "must be \"HOST:PORT\"");
      cfg.seeds.push_back({addr->host, addr->port});
    }
  }
  if (auto it = doc.find("heartbeat_ms"); it != doc.end())
    cfg.heartbeat_ms = integer_in(*it, "cluster.heartbeat_ms", 20, 60000,
                                  origin);
  if (auto it = doc.find("heartbeat_timeout_ms"); it != doc.end())
    cfg.heartbeat_timeout_ms = integer_in(*it, "cluster.heartbeat_timeout_ms",
                                          50, 600000, origin);
  if (cfg.heartbeat_timeout_ms < 3 * cfg.heartbeat_ms)
    reject(origin, "cluster.heartbeat_timeout_ms",
           "must be at least 3 heartbeats ("
             + std::to_string(3 * cfg.heartbeat_ms)
             + " ms), or a few late heartbeats would declare a live node dead");
  if (auto it = doc.find("catalog_interval_ms"); it != doc.end())
    cfg.catalog_interval_ms = integer_in(*it, "cluster.catalog_interval_ms", 50,
                                         60000, origin);
  if (auto it = doc.find("shards"); it != doc.end()) {
    if (!it->is_array() || it->empty())
      reject(origin, "cluster.shards",
             "must be a non-empty list of shard indexes");
    std::set<int64_t> seen;
    for (size_t i = 0; i < it->size(); ++i) {
      auto field = "cluster.shards[" + std::to_string(i) + "]";
      auto x = integer_in((*it)[i], field, 0,
                          static_cast<int64_t>(shard_count) - 1, origin);
      if (!seen.insert(x).second)
        reject(origin, field, "listed twice");
      cfg.allowed_shards.push_back(static_cast<int32_t>(x));
    }
  }
}

// "recommend": {"seed", "builders", "build_timeout_ms"}
void parse_recommend(const json& doc, recommend_config& cfg,
                     const std::string& origin) {
  if (!doc.is_object())
    reject(origin, "recommend", "must be an object");
  reject_unknown_keys(doc, {"seed", "builders", "build_timeout_ms"}, origin,
                      "recommend.");
  if (auto it = doc.find("seed"); it != doc.end())
    cfg.seed = integer_in(*it, "recommend.seed", 0,
                          std::numeric_limits<int64_t>::max(), origin);
  if (auto it = doc.find("builders"); it != doc.end())
    cfg.builders = static_cast<int32_t>(
      integer_in(*it, "recommend.builders", 0, 64, origin));
  if (auto it = doc.find("build_timeout_ms"); it != doc.end())
    cfg.build_timeout_ms = integer_in(*it, "recommend.build_timeout_ms", 100,
                                      86400000, origin);
}

// "jobs": {"workers", "poll_ms", "lease_ms",
//          "kinds": {KIND: {"soft_limit_ms", "hard_limit_ms",
//                           "max_attempts", "retry_backoff_ms"}}}
void parse_jobs(const json& doc, jobs_config& cfg, const std::string& origin) {
  if (!doc.is_object())
    reject(origin, "jobs", "must be an object");
  reject_unknown_keys(doc, {"workers", "poll_ms", "lease_ms", "kinds"}, origin,
                      "jobs.");
  if (auto it = doc.find("workers"); it != doc.end())
    cfg.workers
      = static_cast<int32_t>(integer_in(*it, "jobs.workers", 1, 4096, origin));
  if (auto it = doc.find("poll_ms"); it != doc.end())
    cfg.poll_ms = integer_in(*it, "jobs.poll_ms", 10, 60000, origin);
  if (auto it = doc.find("lease_ms"); it != doc.end())
    cfg.lease_ms = integer_in(*it, "jobs.lease_ms", 1000, 3600000, origin);
  auto kinds = doc.find("kinds");
  if (kinds == doc.end())
    return;
  if (!kinds->is_object())
    reject(origin, "jobs.kinds", "must be an object");
  for (auto& [kind, k] : kinds->items()) {
    auto field = "jobs.kinds." + kind;
    auto& known = jobs::kinds();
    if (std::find(known.begin(), known.end(), kind) == known.end())
      reject(origin, field,
             "unknown kind (recommendations, user-analytics, cleanup, "
             "notify, noop)");
    if (!k.is_object())
      reject(origin, field, "must be an object");
    reject_unknown_keys(
      k, {"soft_limit_ms", "hard_limit_ms", "max_attempts", "retry_backoff_ms"},
      origin, field + ".");
    jobs::kind_policy p;
    if (auto it = k.find("soft_limit_ms"); it != k.end())
      p.soft_limit_ms = integer_in(*it, field + ".soft_limit_ms", 10, 86400000,
                                   origin);
    if (auto it = k.find("hard_limit_ms"); it != k.end())
      p.hard_limit_ms = integer_in(*it, field + ".hard_limit_ms", 10, 86400000,
                                   origin);
    if (p.hard_limit_ms < p.soft_limit_ms)
      reject(origin, field + ".hard_limit_ms",
             "must be at least the soft limit");
    if (auto it = k.find("max_attempts"); it != k.end())
      p.max_attempts = static_cast<int32_t>(
        integer_in(*it, field + ".max_attempts", 1, 100, origin));
    if (auto it = k.find("retry_backoff_ms"); it != k.end())
      p.retry_backoff_ms = integer_in(*it, field + ".retry_backoff_ms", 0,
                                      3600000, origin);
    cfg.kinds[kind] = p;
  }
}

// One schedule: {"kind", "at": "HH:MM[:SS]", "days": "daily" | [names],
// "args": {...}} or {"kind", "every_s": N, "args": {...}}.
sched::schedule_spec parse_schedule(const std::string& name, const json& doc,
                                    const std::string& origin) {
  auto field = "scheduler.schedules." + name;
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
        return isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      }))
    reject(origin, field, "a name may contain only letters, digits, - and _");
  if (!doc.is_object())
    reject(origin, field, "must be an object {\"kind\", \"at\", ...}");
  reject_unknown_keys(doc, {"kind", "at", "days", "every_s", "args"}, origin,
                      field + ".");
  sched::schedule_spec spec;
  spec.name = name;
  auto kind = doc.find("kind");
  if (kind == doc.end() || !kind->is_string())
    reject(origin, field + ".kind", "must be a job kind");
  spec.kind = kind->get<std::string>();
  auto& known = jobs::kinds();
  if (std::find(known.begin(), known.end(), spec.kind) == known.end())
    reject(origin, field + ".kind",
           "unknown kind (recommendations, user-analytics, cleanup, notify, "
           "noop)");
  auto at = doc.find("at");
  if (auto every = doc.find("every_s"); every != doc.end()) {
    if (at != doc.end() || doc.contains("days"))
      reject(origin, field + ".every_s",
             "an interval schedule has no \"at\" or \"days\"");
    spec.every_s = integer_in(*every, field + ".every_s", 1, 604800, origin);
  } else if (at == doc.end() || !at->is_string()) {
    reject(origin, field + ".at", "must be HH:MM or HH:MM:SS");
  }
  if (spec.every_s == 0
      && !sched::parse_time_of_day(at->get<std::string>(), spec).ok())
    reject(origin, field + ".at",
           "must be HH:MM or HH:MM:SS (00:00 to 23:59:59)");
  if (auto days = doc.find("days"); days != doc.end()) {
    if (days->is_string() && days->get<std::string>() == "daily") {
      // every day: no weekday list
    } else if (days->is_array() && !days->empty()) {
      for (auto& d : *days) {
        auto wd = d.is_string() ? sched::parse_weekday(d.get<std::string>())
                                : std::nullopt;
        if (!wd)
          reject(origin, field + ".days",
                 "must be \"daily\" or a list of weekdays (sun … sat)");
        spec.weekdays.push_back(*wd);
      }
    } else {
      reject(origin, field + ".days",
             "must be \"daily\" or a list of weekdays (sun … sat)");
    }
  }
  if (auto args = doc.find("args"); args != doc.end()) {
    if (!args->is_object())
      reject(origin, field + ".args", "must be an object");
    spec.args = args->dump();
  }
  std::string normalized;
  if (auto r = jobs::normalize_args(spec.kind, spec.args, normalized); !r.ok())
    reject(origin, field + ".args", r.message);
  return spec;
}

// "scheduler": {"timezone", "tick_ms", "lease_ms", "schedules": {NAME:
//               {...}}, "cache_refresh": {"interval_ms", "batch"}}
void parse_scheduler(const json& doc, scheduler_config& cfg,
                     const std::string& origin) {
  if (!doc.is_object())
    reject(origin, "scheduler", "must be an object");
  reject_unknown_keys(
    doc, {"timezone", "tick_ms", "lease_ms", "schedules", "cache_refresh"},
    origin, "scheduler.");
  if (auto it = doc.find("timezone"); it != doc.end()) {
    if (!it->is_string() || !sched::find_zone(it->get<std::string>()))
      reject(origin, "scheduler.timezone",
             "must be a time zone name of the tz database, e.g. Asia/Seoul");
    cfg.timezone = it->get<std::string>();
  }
  if (auto it = doc.find("tick_ms"); it != doc.end())
    cfg.tick_ms = integer_in(*it, "scheduler.tick_ms", 50, 60000, origin);
  if (auto it = doc.find("lease_ms"); it != doc.end())
    cfg.lease_ms = integer_in(*it, "scheduler.lease_ms", 500, 3600000, origin);
  if (cfg.lease_ms < 2 * cfg.tick_ms)
    reject(origin, "scheduler.lease_ms", "must be at least twice tick_ms");
  if (auto it = doc.find("schedules"); it != doc.end()) {
    if (!it->is_object())
      reject(origin, "scheduler.schedules",
             "must be an object {NAME: {\"kind\", \"at\", ...}}");
    cfg.schedules.clear();
    for (auto& [name, s] : it->items())
      cfg.schedules.push_back(parse_schedule(name, s, origin));
  }
  if (auto it = doc.find("cache_refresh"); it != doc.end()) {
    if (!it->is_object())
      reject(origin, "scheduler.cache_refresh",
             "must be an object {\"interval_ms\", \"batch\"}");
    reject_unknown_keys(*it, {"interval_ms", "batch"}, origin,
                        "scheduler.cache_refresh.");
    if (auto i = it->find("interval_ms"); i != it->end())
      cfg.cache_refresh_ms = integer_in(
        *i, "scheduler.cache_refresh.interval_ms", 0, 3600000, origin);
    if (auto b = it->find("batch"); b != it->end())
      cfg.cache_refresh_batch
        = static_cast<int32_t>(integer_in(*b, "scheduler.cache_refresh.batch",
                                          1, rec::max_refresh_batch, origin));
  }
}

} // namespace

node_config parse_node_config(const std::string& text,
                              const std::string& origin) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line…"
    std::string what = e.what();
    auto pos = what.find("] ");
    reject(origin, "(file)",
           "invalid JSON: "
             + (pos == std::string::npos ? what : what.substr(pos + 2)));
  }
  if (!doc.is_object())
    reject(origin, "(file)", "must be a JSON object");
  reject_unknown_keys(doc,
                      {"node", "listen", "catalog", "shards", "log_level",
                       "request_timeout_ms", "passivate_after_ms", "threads",
                       "debug", "supervision", "cluster", "recommend", "jobs",
                       "scheduler", "standby_connections"},
                      origin, "");
  node_config cfg;
  cfg.node = required_string(doc, "node", origin);
  for (char c : cfg.node)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
      reject(origin, "node", "may contain only letters, digits, - and _");
  if (auto it = doc.find("listen"); it != doc.end()) {
    if (!it->is_object())
      reject(origin, "listen", "must be an object {\"host\", \"port\"}");
    reject_unknown_keys(*it, {"host", "port"}, origin, "listen.");
    if (auto h = it->find("host"); h != it->end()) {
      if (!h->is_string() || h->get<std::string>().empty())
        reject(origin, "listen.host", "must be a non-empty string");
      cfg.listen.host = h->get<std::string>();
    }
    if (auto p = it->find("port"); p != it->end())
      cfg.listen.port = static_cast<uint16_t>(
        integer_in(*p, "listen.port", 1, 65535, origin));
  }
  cfg.catalog = required_string(doc, "catalog", origin);
  auto shards = doc.find("shards");
  if (shards == doc.end())
    reject(origin, "shards", "missing (a list of shard database DSNs)");
  if (!shards->is_array() || shards->empty())
    reject(origin, "shards", "must be a non-empty list of DSN strings");
  if (shards->size() > 64)
    reject(origin, "shards", "at most 64 shards are supported");
  std::set<std::string> seen;
  for (size_t i = 0; i < shards->size(); ++i) {
    auto field = "shards[" + std::to_string(i) + "]";
    const auto& s = (*shards)[i];
    if (!s.is_string() || s.get<std::string>().empty())
      reject(origin, field, "must be a non-empty libpq connection string");
    if (!seen.insert(s.get<std::string>()).second)
      reject(origin, field, "duplicates another shard's DSN");
    cfg.shards.push_back(s.get<std::string>());
  }
  if (auto it = doc.find("log_level"); it != doc.end()) {
    static const std::set<std::string> levels{"debug", "info", "warn", "error"};
    if (!it->is_string() || levels.count(it->get<std::string>()) == 0)
      reject(origin, "log_level", "must be one of debug, info, warn, error");
    cfg.log_level = it->get<std::string>();
  }
  if (auto it = doc.find("request_timeout_ms"); it != doc.end())
    cfg.request_timeout_ms = integer_in(*it, "request_timeout_ms", 10, 600000,
                                        origin);
  if (auto it = doc.find("passivate_after_ms"); it != doc.end())
    cfg.passivate_after_ms = integer_in(*it, "passivate_after_ms", 100,
                                        86400000, origin);
  if (auto it = doc.find("threads"); it != doc.end())
    cfg.threads
      = static_cast<int32_t>(integer_in(*it, "threads", 0, 64, origin));
  if (auto it = doc.find("standby_connections"); it != doc.end()) {
    if (!it->is_boolean())
      reject(origin, "standby_connections", "must be true or false");
    cfg.standby_connections = it->get<bool>();
  }
  if (auto it = doc.find("debug"); it != doc.end()) {
    if (!it->is_object())
      reject(origin, "debug", "must be an object {\"fault_injection\": bool}");
    reject_unknown_keys(*it, {"fault_injection"}, origin, "debug.");
    if (auto f = it->find("fault_injection"); f != it->end()) {
      if (!f->is_boolean())
        reject(origin, "debug.fault_injection", "must be true or false");
      cfg.fault_injection = f->get<bool>();
    }
  }
  if (auto it = doc.find("supervision"); it != doc.end())
    parse_supervision(*it, cfg.supervision, origin);
  if (auto it = doc.find("cluster"); it != doc.end())
    parse_cluster(*it, cfg.cluster, cfg.shards.size(), origin);
  if (auto it = doc.find("recommend"); it != doc.end())
    parse_recommend(*it, cfg.recommend, origin);
  if (auto it = doc.find("jobs"); it != doc.end())
    parse_jobs(*it, cfg.jobs, origin);
  if (auto it = doc.find("scheduler"); it != doc.end())
    parse_scheduler(*it, cfg.scheduler, origin);
  return cfg;
}

node_config load_node_config(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    throw config_error(path + ": (file): cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_node_config(text.str(), path);
}

} // namespace lunch::config
