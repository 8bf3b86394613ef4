// The gateway's cache of member briefs (actors/node/brief_cache): what it
// answers, for how long, and what drops an entry.

#include <catch2/catch.hpp>

#include "actors/node/brief_cache.hpp"

using lunch::brief_cache;
using lunch::member_view;
using namespace std::chrono_literals;

namespace {

member_view brief(const std::string& id, const std::string& nickname) {
  return member_view{id, nickname, "quick,quiet", "korean", false};
}

const brief_cache::clock::time_point t0{};

} // namespace

TEST_CASE("a kept brief is found until it is max_age old, then missed",
          "[brief_cache]") {
  brief_cache cache{8, 10s};
  CHECK_FALSE(cache.find("E1", t0));
  cache.put(brief("E1", "Kim"), t0);
  auto hit = cache.find("E1", t0 + 9s);
  REQUIRE(hit);
  CHECK(hit->employee_id == "E1");
  CHECK(hit->nickname == "Kim");
  CHECK(hit->lunch_preference == "quick,quiet");
  CHECK(hit->main_dish_genre == "korean");
  CHECK_FALSE(cache.find("E1", t0 + 10s));
  CHECK_FALSE(cache.find("E2", t0));
}

TEST_CASE("a put replaces the brief and restarts its age", "[brief_cache]") {
  brief_cache cache{8, 10s};
  cache.put(brief("E1", "Kim"), t0);
  cache.put(brief("E1", "Lee"), t0 + 5s);
  auto hit = cache.find("E1", t0 + 12s);
  REQUIRE(hit);
  CHECK(hit->nickname == "Lee");
  CHECK(cache.size() == 1);
}

TEST_CASE("forget drops the brief of that user only", "[brief_cache]") {
  brief_cache cache{8, 10s};
  cache.put(brief("E1", "Kim"), t0);
  cache.put(brief("E2", "Lee"), t0);
  cache.forget("E1");
  cache.forget("E9"); // never kept: nothing happens
  CHECK_FALSE(cache.find("E1", t0));
  REQUIRE(cache.find("E2", t0));
  CHECK(cache.size() == 1);
}

TEST_CASE("a host flag is not kept: it belongs to one party", "[brief_cache]") {
  brief_cache cache{8, 10s};
  auto host = brief("E1", "Kim");
  host.is_host = true;
  cache.put(host, t0);
  REQUIRE(cache.find("E1", t0));
  CHECK_FALSE(cache.find("E1", t0)->is_host);
}

TEST_CASE("a full cache starts over with the new brief", "[brief_cache]") {
  brief_cache cache{2, 10s};
  cache.put(brief("E1", "Kim"), t0);
  cache.put(brief("E2", "Lee"), t0);
  cache.put(brief("E2", "Park"), t0); // a replacement does not overflow
  CHECK(cache.size() == 2);
  cache.put(brief("E3", "Choi"), t0);
  CHECK(cache.size() == 1);
  CHECK_FALSE(cache.find("E1", t0));
  CHECK_FALSE(cache.find("E2", t0));
  REQUIRE(cache.find("E3", t0));
  brief_cache off{0, 10s};
  off.put(brief("E1", "Kim"), t0);
  CHECK(off.size() == 0);
}
