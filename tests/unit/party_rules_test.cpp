#include <catch2/catch.hpp>

#include "actors/party/party_rules.hpp"

using namespace lunch;

namespace {

// The S5 request body.
party_record s5_party() {
  party_record p;
  p.host_employee_id = "1";
  p.title = "금요 점심";
  p.restaurant_name = "지구마을";
  p.party_date = "2025-03-14";
  p.party_time = "12:00";
  p.meeting_location = "1층 로비";
  p.max_members = 3;
  p.member_ids = {"2"};
  return p;
}

// P after S5 (host 1, member 2), normalized.
party_record party_p() {
  auto p = s5_party();
  p.id = 16384 + 1179;
  normalize_members(p);
  return p;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string repeat(const std::string& s, int n) {
  std::string result;
  for (int i = 0; i < n; ++i)
    result += s;
  return result;
}

} // namespace

TEST_CASE("is_iso_date accepts real calendar dates only", "[party_rules]") {
  CHECK(is_iso_date("2025-03-14"));
  CHECK(is_iso_date("2025-01-31"));
  CHECK(is_iso_date("2025-12-31"));
  CHECK(is_iso_date("2024-02-29")); // leap year
  CHECK(is_iso_date("2000-02-29")); // divisible by 400
  CHECK(is_iso_date("1900-01-01"));
  CHECK(is_iso_date("9999-12-31"));
  CHECK_FALSE(is_iso_date("2025-02-29"));
  CHECK_FALSE(is_iso_date("1900-02-29")); // divisible by 100
  CHECK_FALSE(is_iso_date("2025-04-31"));
  CHECK_FALSE(is_iso_date("2025-13-01"));
  CHECK_FALSE(is_iso_date("2025-00-10"));
  CHECK_FALSE(is_iso_date("2025-01-00"));
  CHECK_FALSE(is_iso_date("2025-01-32"));
  CHECK_FALSE(is_iso_date("1899-12-31"));
  CHECK_FALSE(is_iso_date("2025-3-14"));
  CHECK_FALSE(is_iso_date("2025/03/14"));
  CHECK_FALSE(is_iso_date("20250314"));
  CHECK_FALSE(is_iso_date("2025-03-14T12"));
  CHECK_FALSE(is_iso_date("2025-0a-14"));
  CHECK_FALSE(is_iso_date("T+1"));
  CHECK_FALSE(is_iso_date(""));
}

TEST_CASE("party_patch_fields", "[party_rules]") {
  CHECK(party_patch_fields()
        == std::vector<std::string>{
          "title", "restaurant_name", "restaurant_address", "party_date",
          "party_time", "meeting_location", "max_members"});
}

TEST_CASE("S5: the create body is valid", "[party_rules]") {
  auto p = s5_party();
  CHECK(validate_new_party(p).ok());
  p.member_ids.clear();
  p.max_members = 1;
  CHECK(validate_new_party(p).ok());
}

TEST_CASE("S6 and friends: validate_new_party names the field",
          "[party_rules]") {
  auto p = s5_party();
  auto expect = [&](const std::string& message) {
    auto r = validate_new_party(p);
    CHECK(r.code == errc::invalid_argument);
    CHECK(r.message == message);
  };
  SECTION("max_members 0") {
    p.max_members = 0;
    expect("max_members: must be at least 1");
    p.max_members = -3;
    expect("max_members: must be at least 1");
  }
  SECTION("missing required fields") {
    p.meeting_location.clear();
    expect("meeting_location: required");
    p = s5_party();
    p.host_employee_id.clear();
    expect("host_employee_id: required");
    p = s5_party();
    p.title.clear();
    expect("title: required");
    p = s5_party();
    p.restaurant_name.clear();
    expect("restaurant_name: required");
    p = s5_party();
    p.party_date.clear();
    expect("party_date: required");
    p = s5_party();
    p.party_time.clear();
    expect("party_time: required");
  }
  SECTION("restaurant_address is optional") {
    p.restaurant_address.clear();
    CHECK(validate_new_party(p).ok());
  }
  SECTION("formats") {
    p.party_date = "2025-02-30";
    expect("party_date: must be YYYY-MM-DD");
    p = s5_party();
    p.party_time = "12시";
    expect("party_time: must be HH:MM");
    p.party_time = "24:00";
    expect("party_time: must be HH:MM");
  }
  SECTION("lengths count code points") {
    p.title = repeat("점", 100);
    CHECK(validate_new_party(p).ok());
    p.title = repeat("점", 101);
    expect("title: must be at most 100 characters");
    p = s5_party();
    p.restaurant_name = repeat("x", 101);
    expect("restaurant_name: must be at most 100 characters");
    p = s5_party();
    p.meeting_location = repeat("로", 200);
    CHECK(validate_new_party(p).ok());
    p.meeting_location = repeat("로", 201);
    expect("meeting_location: must be at most 200 characters");
    p = s5_party();
    p.restaurant_address = repeat("주", 201);
    expect("restaurant_address: must be at most 200 characters");
  }
  SECTION("max_members must hold the host and the distinct initial members") {
    // Host 1 plus 2, 3 (duplicates and the host are not counted twice).
    p.member_ids = {"2", "1", "3", "2"};
    p.max_members = 2;
    expect("max_members: must be at least the number of members (3)");
    CHECK(p.member_ids == std::vector<std::string>{"2", "1", "3", "2"});
    p.max_members = 3;
    CHECK(validate_new_party(p).ok());
  }
  SECTION("initial member ids must not be empty") {
    p.member_ids = {"2", ""};
    auto r = validate_new_party(p);
    CHECK(r.code == errc::invalid_argument);
    CHECK(starts_with(r.message, "member_ids: "));
  }
}

TEST_CASE("normalize_members puts the host first and drops duplicates",
          "[party_rules]") {
  auto p = s5_party();
  p.member_ids = {"3", "1", "2", "3", "4", "2"};
  normalize_members(p);
  CHECK(p.member_ids == std::vector<std::string>{"1", "3", "2", "4"});
  normalize_members(p); // idempotent
  CHECK(p.member_ids == std::vector<std::string>{"1", "3", "2", "4"});

  auto q = s5_party();
  q.member_ids.clear();
  normalize_members(q);
  CHECK(q.member_ids == std::vector<std::string>{"1"});

  CHECK(party_p().member_ids == std::vector<std::string>{"1", "2"});
}

TEST_CASE("S7: join until full, full is checked before already joined",
          "[party_rules]") {
  auto p = party_p(); // max 3, current 2
  CHECK(is_member(p, "1"));
  CHECK(is_member(p, "2"));
  CHECK_FALSE(is_member(p, "3"));

  SECTION("with room: a newcomer joins, a member gets already_joined") {
    CHECK(check_join(p, "3").ok());
    auto again = check_join(p, "2");
    CHECK(again.code == errc::already_joined);
    CHECK(again.message == "already joined");
    CHECK(check_join(p, "1").code == errc::already_joined);
  }
  SECTION("once full: everyone gets party_full, members included") {
    REQUIRE(check_join(p, "3").ok());
    p.member_ids.push_back("3");
    auto four = check_join(p, "4");
    CHECK(four.code == errc::party_full);
    CHECK(four.message == "party is full");
    auto three = check_join(p, "3");
    CHECK(three.code == errc::party_full);
    CHECK(three.message == "party is full");
  }
  SECTION("over-full parties stay full") {
    p.max_members = 1;
    CHECK(check_join(p, "5").code == errc::party_full);
  }
  SECTION("an empty user id is an invalid argument") {
    CHECK(check_join(p, "").code == errc::invalid_argument);
  }
}

TEST_CASE("S8: leave rules of a normal party", "[party_rules]") {
  auto p = party_p();
  p.member_ids.push_back("3");

  auto host = check_leave(p, "1");
  CHECK(host.result.code == errc::forbidden);
  CHECK(host.result.message
        == "the host of a party cannot leave; delete it instead");
  CHECK_FALSE(host.deletes_party);

  auto member = check_leave(p, "3");
  CHECK(member.result.ok());
  CHECK_FALSE(member.deletes_party);

  // After 3 left, repeating the leave → not_member.
  p.member_ids.pop_back();
  auto again = check_leave(p, "3");
  CHECK(again.result.code == errc::not_member);
  CHECK_FALSE(again.deletes_party);

  CHECK(check_leave(p, "").result.code == errc::invalid_argument);
}

TEST_CASE("S14: the host leaving a random-lunch party deletes it",
          "[party_rules]") {
  party_record p;
  p.host_employee_id = "1";
  p.title = "랜덤 런치";
  p.is_from_match = true;
  p.max_members = 3;
  p.member_ids = {"1", "2", "3"};

  auto host = check_leave(p, "1");
  CHECK(host.result.ok());
  CHECK(host.deletes_party);

  auto member = check_leave(p, "2");
  CHECK(member.result.ok());
  CHECK_FALSE(member.deletes_party);

  // not_member is checked first, also for random-lunch parties.
  auto stranger = check_leave(p, "9");
  CHECK(stranger.result.code == errc::not_member);
  CHECK_FALSE(stranger.deletes_party);
}

TEST_CASE("S8: only the host may update or delete", "[party_rules]") {
  auto p = party_p();
  CHECK(check_host(p, "1").ok());
  auto r = check_host(p, "2");
  CHECK(r.code == errc::forbidden);
  CHECK(r.message == "only the host may do this");
  CHECK(check_host(p, "9").code == errc::forbidden);
  CHECK(check_host(p, "").code == errc::invalid_argument);
}

TEST_CASE("apply_patch validates everything, then applies", "[party_rules]") {
  auto p = party_p();
  p.member_ids.push_back("3"); // 3 members
  const auto before = p;
  party_patch patch;
  patch.id = p.id;
  patch.actor_id = "1";

  auto expect_rejected = [&](const std::string& message) {
    auto r = apply_patch(p, patch);
    CHECK(r.code == errc::invalid_argument);
    CHECK(r.message == message);
    // All or nothing: the record is untouched.
    CHECK(p.title == before.title);
    CHECK(p.restaurant_name == before.restaurant_name);
    CHECK(p.party_date == before.party_date);
    CHECK(p.party_time == before.party_time);
    CHECK(p.meeting_location == before.meeting_location);
    CHECK(p.max_members == before.max_members);
    CHECK(p.member_ids == before.member_ids);
  };

  SECTION("named fields change, others stay") {
    patch.values.title = "x";
    patch.values.party_time = "12:30";
    patch.values.restaurant_name = "ignored";
    patch.fields = {"title", "party_time"};
    CHECK(apply_patch(p, patch).ok());
    CHECK(p.title == "x");
    CHECK(p.party_time == "12:30");
    CHECK(p.restaurant_name == "지구마을");
    CHECK(p.party_date == "2025-03-14");
    CHECK(p.member_ids == before.member_ids);
    CHECK(p.host_employee_id == "1");
  }
  SECTION("an unknown field rejects the whole patch") {
    patch.values.title = "x";
    patch.fields = {"title", "foo"};
    expect_rejected("unknown field: foo");
    patch.fields = {"host_employee_id"};
    expect_rejected("unknown field: host_employee_id");
    patch.fields = {"is_from_match"};
    expect_rejected("unknown field: is_from_match");
  }
  SECTION("a bad value after a good one rejects the whole patch") {
    patch.values.title = "x";
    patch.values.party_time = "25:00";
    patch.fields = {"title", "party_time"};
    expect_rejected("party_time: must be HH:MM");
    patch.values.party_date = "2025-02-29";
    patch.fields = {"title", "party_date"};
    expect_rejected("party_date: must be YYYY-MM-DD");
  }
  SECTION("required fields cannot be emptied") {
    for (auto field : {"title", "restaurant_name", "party_date", "party_time",
                       "meeting_location"}) {
      patch.fields = {field};
      expect_rejected(std::string{field} + ": required");
    }
  }
  SECTION("restaurant_address can be cleared") {
    p.restaurant_address = "성남시";
    patch.fields = {"restaurant_address"};
    CHECK(apply_patch(p, patch).ok());
    CHECK(p.restaurant_address.empty());
  }
  SECTION("max_members must be >= 1 and >= the current members") {
    patch.fields = {"max_members"};
    patch.values.max_members = 0;
    expect_rejected("max_members: must be at least 1");
    patch.values.max_members = 2;
    expect_rejected("max_members: must be at least the number of members (3)");
    patch.values.max_members = 3;
    CHECK(apply_patch(p, patch).ok());
    CHECK(p.max_members == 3);
    patch.values.max_members = 10;
    CHECK(apply_patch(p, patch).ok());
    CHECK(p.max_members == 10);
  }
  SECTION("an empty patch is a no-op") {
    CHECK(apply_patch(p, patch).ok());
    CHECK(p.title == before.title);
  }
}
