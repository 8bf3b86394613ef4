#pragma once

// One structured line per event on stderr:
//   2026-11-21T10:00:00.123Z info node=node0 event=party.joined party=42
// CAF's own logger is compiled out on Debian, so this is the node's log.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lunch::log {

using field = std::pair<std::string_view, std::string>;
using fields = std::vector<field>;

/// Configures the sink once, in main. `level`: debug | info | warn | error.
void init(const std::string& node, const std::string& level);

void debug(std::string_view event, const fields& kv = {});
void info(std::string_view event, const fields& kv = {});
void warn(std::string_view event, const fields& kv = {});
void error(std::string_view event, const fields& kv = {});

} // namespace lunch::log
