#pragma once

// One structured line per event on stderr:
//   2026-11-21T10:00:00.123Z info node=node0 event=party.joined party=42
// CAF's own logger is compiled out on Debian, so this is the node's log.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace lunch::log {

using field = std::pair<std::string_view, std::string>;

/// Configures the sink once, in main. `level`: debug | info | warn | error.
void init(const std::string& node, const std::string& level);

void debug(std::string_view event, std::initializer_list<field> fields = {});
void info(std::string_view event, std::initializer_list<field> fields = {});
void warn(std::string_view event, std::initializer_list<field> fields = {});
void error(std::string_view event, std::initializer_list<field> fields = {});

} // namespace lunch::log
