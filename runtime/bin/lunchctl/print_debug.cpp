#include "runtime/bin/lunchctl/print_debug.hpp"

#include <algorithm>

#include "runtime/bin/lunchctl/print_table.hpp"

namespace lunch::ctl {

using nlohmann::json;

namespace {

// ASCII tree connectors ("|- ", "`- ") for lines in depth-first order.
std::vector<std::string> tree_prefixes(const std::vector<tree_line>& lines) {
  std::vector<std::string> out;
  std::vector<bool> open; // per depth: more siblings follow below
  for (size_t k = 0; k < lines.size(); ++k) {
    auto d = static_cast<size_t>(std::max(0, lines[k].depth));
    bool last = true;
    for (size_t j = k + 1; j < lines.size(); ++j) {
      if (lines[j].depth < lines[k].depth)
        break;
      if (lines[j].depth == lines[k].depth) {
        last = false;
        break;
      }
    }
    std::string prefix;
    for (size_t lvl = 1; lvl < d; ++lvl)
      prefix += lvl < open.size() && open[lvl] ? "|  " : "   ";
    if (d > 0)
      prefix += last ? "`- " : "|- ";
    open.resize(d + 1);
    open[d] = !last;
    out.push_back(prefix);
  }
  return out;
}

} // namespace

json to_json(const std::vector<tree_line>& xs) {
  auto doc = json::array();
  for (auto& l : xs)
    doc.push_back({{"depth", l.depth},
                   {"name", l.name},
                   {"kind", l.kind},
                   {"strategy", l.strategy},
                   {"state", l.state},
                   {"restarts", l.restarts},
                   {"detail", l.detail}});
  return doc;
}

void print_tree(const std::vector<tree_line>& xs) {
  auto prefixes = tree_prefixes(xs);
  std::vector<std::vector<std::string>> rows;
  for (size_t k = 0; k < xs.size(); ++k) {
    auto& l = xs[k];
    rows.push_back({prefixes[k] + l.name, l.kind, l.strategy, l.state,
                    std::to_string(l.restarts), l.detail});
  }
  print_table({"ACTOR", "KIND", "STRATEGY", "STATE", "RESTARTS", "DETAIL"},
              rows);
}

} // namespace lunch::ctl
