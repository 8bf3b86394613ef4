// The members shown in a party write's reply come from the gateway's brief
// cache (actors/node/brief_cache.hpp), on CAF's deterministic test
// coordinator: which writes and reads ask the users' entities, and what
// makes the gateway ask again (a user's change notice from this node's
// relay or from a peer, an update through this gateway, the cache's age).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "messages/errors.hpp"
#include "messages/recommend_changes.hpp"
#include "messages/wire_formats.hpp"
#include "tests/support/gateway_fixture.hpp"

using namespace lunch;
using namespace std::chrono_literals;

namespace {

// What the peer's fake region holds and how often it was asked for briefs.
struct region_world {
  std::map<std::string, std::string> nicknames; // the users' entities
  party_record party;                           // the one party (id 7)
  int brief_requests = 0;
};

using world_ptr = std::shared_ptr<region_world>;

party_view view_of(const party_record& p) {
  return party_view{p, {}, false};
}

// A peer's region serving the only shard: users' briefs (counted), one
// party's create, join and get, and user updates (a new nickname).
caf::behavior fake_region(caf::event_based_actor*, world_ptr w) {
  return {
    [=](usr_brief_atom, const std::vector<user_key>& ids) {
      ++w->brief_requests;
      std::vector<member_view> out;
      for (auto& id : ids) {
        member_view m;
        if (auto i = w->nicknames.find(id.value); i != w->nicknames.end()) {
          m.employee_id = id.value;
          m.nickname = i->second;
        }
        out.push_back(std::move(m));
      }
      return out;
    },
    [=](pty_create_atom, party_record p, const request_id&) {
      p.id = 7;
      w->party = p;
      return view_of(p);
    },
    [=](pty_join_atom, party_id, const user_key& user, const request_id&) {
      w->party.member_ids.push_back(user.value);
      return view_of(w->party);
    },
    [=](pty_get_atom, party_id) { return view_of(w->party); },
    [=](usr_update_atom, const user_patch& p, const request_id&) {
      w->nicknames[p.values.employee_id] = p.values.nickname;
      return user_view{p.values, 0, {}};
    },
    [=](rec_change_atom, const std::vector<rec_change>&) {
      // A change spread to the peer: nothing to do here.
    },
  };
}

// "id:nickname" of each member, in order, or the error.
using shown = std::vector<std::string>;

struct briefs_fixture : testing::one_shard_gateway {
  world_ptr world = std::make_shared<region_world>();

  briefs_fixture() {
    route(1, "n2",
          caf::actor_cast<region_actor>(env.sys.spawn(fake_region, world)));
    world->nicknames = {{"h", "Host"}, {"a", "Ann"}, {"b", "Bo"}, {"c", "Cy"}};
  }

  template <class... Ts>
  shown ask(Ts... xs) {
    auto out = std::make_shared<shown>();
    env.sys.spawn([=](caf::event_based_actor* self) {
      self->request(gateway, 5s, xs...)
        .then(
          [=](party_view& v) {
            for (auto& m : v.members)
              out->push_back(m.employee_id + ":" + m.nickname);
          },
          [=](caf::error& e) {
            out->push_back(std::string{"error "} + to_string(errc_of(e)));
          });
    });
    env.sched.run();
    return *out;
  }

  shown create(std::vector<std::string> members) {
    party_record p;
    p.host_employee_id = "h";
    p.member_ids = std::move(members);
    p.title = "lunch";
    p.restaurant_name = "Bistro";
    p.restaurant_address = "1 Main Road";
    p.meeting_location = "lobby";
    p.party_date = "2026-12-01";
    p.party_time = "12:00";
    p.max_members = 8;
    return ask(pty_create_atom::value, p, request_id{});
  }

  shown join(const std::string& user) {
    return ask(pty_join_atom::value, party_id{7}, user_key{user}, request_id{});
  }

  shown get() {
    return ask(pty_get_atom::value, party_id{7});
  }
};

} // namespace

TEST_CASE("a party write's reply shows the other members from the cache; a "
          "read asks their entities",
          "[gateway][briefs]") {
  briefs_fixture f;
  // The existence check asks for the host's and Ann's briefs; the reply
  // takes them from there.
  CHECK(f.create({"a"}) == shown{"h:Host", "a:Ann"});
  CHECK(f.world->brief_requests == 1);
  // The joiner's brief is asked for (does Bo exist?), the others' not.
  CHECK(f.join("b") == shown{"h:Host", "a:Ann", "b:Bo"});
  CHECK(f.world->brief_requests == 2);
  // A read asks for every member's brief.
  CHECK(f.get() == shown{"h:Host", "a:Ann", "b:Bo"});
  CHECK(f.world->brief_requests == 3);
}

TEST_CASE("a user's change notice, from this node's relay or through a "
          "peer's region, makes the next write's reply ask again",
          "[gateway][briefs]") {
  briefs_fixture f;
  f.create({"a"});
  f.world->nicknames["a"] = "Anna";
  f.world->nicknames["h"] = "Hal";
  // No notice yet: the reply shows what the gateway fetched before.
  CHECK(f.join("b") == shown{"h:Host", "a:Ann", "b:Bo"});
  rec_change renamed;
  renamed.kind = rec_kind::user_upsert;
  renamed.user.employee_id = "a";
  caf::anon_send(f.gateway, rec_change_atom::value,
                 std::vector<rec_change>{renamed});
  f.env.sched.run();
  CHECK(f.join("c") == shown{"h:Host", "a:Anna", "b:Bo", "c:Cy"});
  caf::anon_send(f.gateway, usr_changed_atom::value, user_key{"h"});
  f.env.sched.run();
  auto before = f.world->brief_requests;
  CHECK(f.join("d") == shown{"error not_found"});
  f.world->nicknames["d"] = "Di";
  CHECK(f.join("d") == shown{"h:Hal", "a:Anna", "b:Bo", "c:Cy", "d:Di"});
  // The failed check, the second check and the host's brief.
  CHECK(f.world->brief_requests == before + 3);
}

TEST_CASE("an update through the gateway drops the user's brief at once, "
          "and no brief is trusted longer than ten seconds",
          "[gateway][briefs]") {
  briefs_fixture f;
  f.create({"a"});
  user_patch p;
  p.values.employee_id = "a";
  p.values.nickname = "Anna";
  p.fields = {"nickname"};
  auto gateway = f.gateway;
  f.env.sys.spawn([=](caf::event_based_actor* self) {
    self->send(gateway, usr_update_atom::value, p, request_id{});
  });
  f.env.sched.run();
  REQUIRE(f.world->nicknames["a"] == "Anna");
  CHECK(f.join("b") == shown{"h:Host", "a:Anna", "b:Bo"});
  f.world->nicknames["h"] = "Hal";
  f.env.run_for(11s);
  CHECK(f.join("c") == shown{"h:Hal", "a:Anna", "b:Bo", "c:Cy"});
}
