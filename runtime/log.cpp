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
std::string format(std::string_view event,
                   std::initializer_list<field> fields) {
  std::string line = "event=";
  line += event;
  for (auto& [key, value] : fields) {
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
           std::initializer_list<field> fields) {
  auto& x = sink();
  if (x->should_log(lvl))
    x->log(lvl, format(event, fields));
}

} // namespace

void init(const std::string& node, const std::string& level) {
  auto x = spdlog::stderr_logger_mt(node.empty() ? "-" : node);
  x->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l node=%n %v",
                 spdlog::pattern_time_type::utc);
  x->set_level(spdlog::level::from_str(level));
  x->flush_on(spdlog::level::debug);
  sink() = x;
}

void debug(std::string_view event, std::initializer_list<field> fields) {
  write(spdlog::level::debug, event, fields);
}

void info(std::string_view event, std::initializer_list<field> fields) {
  write(spdlog::level::info, event, fields);
}

void warn(std::string_view event, std::initializer_list<field> fields) {
  write(spdlog::level::warn, event, fields);
}

void error(std::string_view event, std::initializer_list<field> fields) {
  write(spdlog::level::err, event, fields);
}

} // namespace lunch::log
