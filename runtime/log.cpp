#include "runtime/log.hpp"

#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace lunch::log {

namespace {

std::shared_ptr<spdlog::logger>& sink() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto x = spdlog::stderr_logger_mt("lunch");
    x->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l node=%n %v",
                   spdlog::pattern_time_type::utc);
    return x;
  }();
  return instance;
}

// Values with blanks are quoted so that a line splits into k=v pairs.
std::string format(std::string_view event, const fields& kv) {
  std::string line = "event=";
  line += event;
  for (auto& [key, value] : kv) {
    line += ' ';
    line += key;
    line += '=';
    if (value.find_first_of(" \t\"") == std::string::npos && !value.empty()) {
      line += value;
    } else {
      line += '"';
      for (char c : value)
        line += (c == '"' || c == '\n') ? '\'' : c;
      line += '"';
    }
  }
  return line;
}

void write(spdlog::level::level_enum lvl, std::string_view event,
           const fields& kv) {
  auto& x = sink();
  if (x->should_log(lvl))
    x->log(lvl, format(event, kv));
}

} // namespace

void init(const std::string& node, const std::string& level) {
  auto name = node.empty() ? std::string{"-"} : node;
  spdlog::drop(name); // init may run again (tests)
  auto x = spdlog::stderr_logger_mt(name);
  x->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l node=%n %v",
                 spdlog::pattern_time_type::utc);
  x->set_level(spdlog::level::from_str(level));
  x->flush_on(spdlog::level::debug);
  sink() = x;
}

void debug(std::string_view event, const fields& kv) {
  write(spdlog::level::debug, event, kv);
}

void info(std::string_view event, const fields& kv) {
  write(spdlog::level::info, event, kv);
}

void warn(std::string_view event, const fields& kv) {
  write(spdlog::level::warn, event, kv);
}

void error(std::string_view event, const fields& kv) {
  write(spdlog::level::err, event, kv);
}

} // namespace lunch::log
