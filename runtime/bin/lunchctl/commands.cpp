#include "runtime/bin/lunchctl/commands.hpp"

#include "actors/party/party_rules.hpp"
#include "actors/user/user_rules.hpp"

namespace lunch::ctl {

void on_run(CLI::App* cmd, command& chosen, command f) {
  cmd->callback([&chosen, f = std::move(f)] { chosen = f; });
}

const CLI::Validator hhmm(
  [](std::string& s) {
    return is_hhmm(s) ? std::string{} : "must be HH:MM (00:00-23:59)";
  },
  "HH:MM");

const CLI::Validator iso_date(
  [](std::string& s) {
    return is_iso_date(s) ? std::string{} : "must be a date YYYY-MM-DD";
  },
  "YYYY-MM-DD");

const CLI::Validator positive_id(
  [](std::string& s) {
    int64_t x = 0;
    return CLI::detail::lexical_cast(s, x) && x > 0 ? std::string{}
                                                    : "must be a positive id";
  },
  "ID > 0");

} // namespace lunch::ctl
