// lunchctl node: the asked node itself.

#include "runtime/bin/lunchctl/commands.hpp"

namespace lunch::ctl {

void setup_node(CLI::App& app, command& chosen) {
  auto node = app.add_subcommand("node", "the node itself");
  node->require_subcommand(1);
  on_run(node->add_subcommand("status", "name, address, uptime, entities"),
         chosen, [](session& s) {
           return ask_and_print<node_status>(s, print_node_status,
                                             nod_status_atom::value);
         });
}

} // namespace lunch::ctl
