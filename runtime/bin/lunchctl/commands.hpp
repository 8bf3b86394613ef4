#pragma once

// The command groups main assembles, and what their files share: how a
// subcommand becomes the command to run, the flag checks, and the prelude
// for a command that asks once and prints the answer.

#include <CLI/CLI.hpp>

#include "runtime/bin/lunchctl/print_cache.hpp"
#include "runtime/bin/lunchctl/print_calendar.hpp"
#include "runtime/bin/lunchctl/print_cluster.hpp"
#include "runtime/bin/lunchctl/print_debug.hpp"
#include "runtime/bin/lunchctl/print_job.hpp"
#include "runtime/bin/lunchctl/print_maintenance.hpp"
#include "runtime/bin/lunchctl/print_party.hpp"
#include "runtime/bin/lunchctl/print_schedule.hpp"
#include "runtime/bin/lunchctl/print_shard.hpp"
#include "runtime/bin/lunchctl/print_user.hpp"
#include "runtime/bin/lunchctl/session.hpp"

namespace lunch::ctl {

// -- the groups (one file each) -----------------------------------------------

// Each adds its subcommands to `app`; the one given on the command line
// stores its work in `chosen`, which main runs once connected.
void setup_user(CLI::App& app, command& chosen);
void setup_party(CLI::App& app, command& chosen);
void setup_calendar(CLI::App& app, command& chosen);
void setup_notify(CLI::App& app, command& chosen);
void setup_analytics(CLI::App& app, command& chosen);
void setup_job(CLI::App& app, command& chosen);
void setup_schedule(CLI::App& app, command& chosen);
void setup_recommend(CLI::App& app, command& chosen);
void setup_cache(CLI::App& app, command& chosen);
void setup_shard(CLI::App& app, command& chosen);
void setup_node(CLI::App& app, command& chosen);
void setup_cluster(CLI::App& app, command& chosen);
void setup_debug(CLI::App& app, command& chosen);

// -- what the groups share ----------------------------------------------------

/// Makes `f` the command to run when `cmd` is the subcommand given.
void on_run(CLI::App* cmd, command& chosen, command f);

/// HH:MM, 00:00 to 23:59.
extern const CLI::Validator hhmm;
/// YYYY-MM-DD.
extern const CLI::Validator iso_date;
/// A whole number above 0.
extern const CLI::Validator positive_id;

/// The prelude of most commands: asks the node (xs...) for a T and prints
/// `to_json(answer)` with --json, else `text(answer)`; an error is printed
/// with its exit code.
template <class T, class Text, class... Ts>
int ask_and_print(session& s, Text text, const Ts&... xs) {
  return s.ask<T>(xs...).then(
    [&](const T& v) { return s.print(to_json(v), [&] { text(v); }); });
}

} // namespace lunch::ctl
