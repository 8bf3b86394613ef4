// lunchctl debug: fault injection (crash, heal) and the supervision tree.
// The node refuses these unless its config enables fault injection.

#include <string>
#include <vector>

#include "runtime/bin/lunchctl/commands.hpp"

namespace lunch::ctl {

void setup_debug(CLI::App& app, command& chosen) {
  using nlohmann::json;
  auto debug = app.add_subcommand(
    "debug", "fault injection (needs \"debug\": {\"fault_injection\": true})");
  debug->require_subcommand(1);
  {
    auto cmd = debug->add_subcommand(
      "crash", "make an actor throw: shard/N, entities/N, shards/N, user/ID, "
               "party/ID, gateway");
    auto path = std::make_shared<std::string>();
    auto every = std::make_shared<bool>(false);
    cmd->add_option("ACTOR-PATH", *path, "the actor's name in `debug tree`")
      ->required();
    cmd->add_flag("--every-message", *every,
                  "throw on every message until `debug heal` (shard/N, "
                  "user/ID, party/ID)");
    on_run(cmd, chosen, [path, every](session& s) {
      return s.ask<std::string>(dbg_crash_atom::value, *path, *every)
        .then([&](const std::string& result) {
          return s.print(json{{"actor", *path}, {"result", result}},
                         [&] { std::cout << result << '\n'; });
        });
    });
  }
  {
    auto cmd = debug->add_subcommand("heal", "end an --every-message fault");
    auto path = std::make_shared<std::string>();
    cmd->add_option("ACTOR-PATH", *path, "as given to debug crash")->required();
    on_run(cmd, chosen, [path](session& s) {
      return s.ask<bool>(dbg_heal_atom::value, *path).then([&](bool healed) {
        auto text = healed ? *path + " no longer throws"
                           : *path + " had no every-message fault";
        return s.print(json{{"actor", *path}, {"healed", healed}},
                       [&] { std::cout << text << '\n'; });
      });
    });
  }
  on_run(debug->add_subcommand("tree",
                               "the live supervision tree, restart counts"),
         chosen, [](session& s) {
           return ask_and_print<std::vector<tree_line>>(s, print_tree,
                                                        dbg_tree_atom::value);
         });
}

} // namespace lunch::ctl
