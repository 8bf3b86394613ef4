#include "runtime/bin/lunchctl/print_table.hpp"

#include <algorithm>
#include <cstdint>
#include <iostream>

namespace lunch::ctl {

using nlohmann::json;

namespace {

// Display width of a UTF-8 string: Hangul and CJK take two columns.
size_t display_width(const std::string& s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    for (size_t k = 1; k < len && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF)
                || (cp >= 0xAC00 && cp <= 0xD7A3)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0xFF00 && cp <= 0xFF60);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

std::string cell(const json& v) {
  if (v.is_string())
    return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& x : v)
      out += (out.empty() ? "" : ",") + cell(x);
    return out;
  }
  return v.dump();
}

} // namespace

void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& h : header)
    widths.push_back(display_width(h));
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(r[i]));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size())
        out += std::string(widths[i] - display_width(cells[i]) + 2, ' ');
    }
    std::cout << out << '\n';
  };
  line(header);
  for (const auto& r : rows)
    line(r);
}

void print_fields(const json& object) {
  size_t width = 0;
  for (auto it = object.begin(); it != object.end(); ++it)
    width = std::max(width, it.key().size());
  for (auto it = object.begin(); it != object.end(); ++it)
    std::cout << it.key() << ':'
              << std::string(width - it.key().size() + 1, ' ')
              << cell(it.value()) << '\n';
}

} // namespace lunch::ctl
