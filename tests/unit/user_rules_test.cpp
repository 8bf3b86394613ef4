#include <catch2/catch.hpp>

#include "actors/user/user_rules.hpp"

using namespace lunch;

namespace {

// Seed user 1 of spec §2.9.
user_profile seed_user_1() {
  user_profile p;
  p.employee_id = "1";
  p.nickname = "김철수";
  p.email = "user1@example.com";
  p.main_dish_genre = "한식,중식";
  p.lunch_styles = {"맛집 탐방", "새로운 메뉴 도전"};
  p.food_preferences = {"한식", "중식"};
  p.allergies = {"없음"};
  p.preferred_time = "12:00";
  p.frequent_areas = {"강남구", "서초구"};
  return p;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

TEST_CASE("is_hhmm accepts exactly HH:MM in 00:00-23:59", "[user_rules]") {
  CHECK(is_hhmm("00:00"));
  CHECK(is_hhmm("12:30"));
  CHECK(is_hhmm("23:59"));
  CHECK_FALSE(is_hhmm("24:00"));
  CHECK_FALSE(is_hhmm("12:60"));
  CHECK_FALSE(is_hhmm("9:30"));
  CHECK_FALSE(is_hhmm("09:5"));
  CHECK_FALSE(is_hhmm("09-30"));
  CHECK_FALSE(is_hhmm("0930"));
  CHECK_FALSE(is_hhmm("09:30:00"));
  CHECK_FALSE(is_hhmm("ab:cd"));
  CHECK_FALSE(is_hhmm(""));
}

TEST_CASE("gender and age group vocabularies", "[user_rules]") {
  for (auto g : {"", "남", "여", "기타", "male", "female", "other"})
    CHECK(is_known_gender(g));
  for (auto g : {"M", "남자", "Male", " "})
    CHECK_FALSE(is_known_gender(g));
  for (auto a :
       {"", "10대", "20대", "30대", "40대", "50대", "60대", "10s", "60s"})
    CHECK(is_known_age_group(a));
  for (auto a : {"70대", "20", "20 대", "twenties"})
    CHECK_FALSE(is_known_age_group(a));
}

TEST_CASE("utf8_length counts code points", "[user_rules]") {
  CHECK(utf8_length("") == 0);
  CHECK(utf8_length("abc") == 3);
  CHECK(utf8_length("김철수") == 3); // 9 bytes
  CHECK(utf8_length("홍길동전우치임꺽정") == 9);
  CHECK(utf8_length("a🍜b") == 3);
}

TEST_CASE("seed users and S26's TEST001 are valid", "[user_rules]") {
  CHECK(validate_profile(seed_user_1()).ok());
  user_profile t;
  t.employee_id = "TEST001";
  t.nickname = "테스트";
  CHECK(validate_profile(t).ok());
}

TEST_CASE("validate_profile names the offending field", "[user_rules]") {
  auto p = seed_user_1();
  auto expect = [&](const std::string& prefix) {
    auto r = validate_profile(p);
    CHECK(r.code == errc::invalid_argument);
    INFO("message: " << r.message);
    CHECK(starts_with(r.message, prefix));
  };
  SECTION("employee_id") {
    p.employee_id = "";
    expect("employee_id: must be 1-50 characters");
    p.employee_id = std::string(51, 'x');
    expect("employee_id: must be 1-50 characters");
    p.employee_id = "KOICA 001";
    expect("employee_id: must not contain whitespace");
    p.employee_id = "KOICA\t001";
    expect("employee_id: must not contain whitespace");
    p.employee_id = "KOICA\x01";
    expect("employee_id: must not contain whitespace or control characters");
    p.employee_id = "KOICA\u3000001"; // ideographic space
    expect("employee_id: must not contain whitespace");
    p.employee_id = std::string(50, 'x');
    CHECK(validate_profile(p).ok());
  }
  SECTION("nickname length counts Korean characters, not bytes") {
    p.nickname = "";
    expect("nickname: must be 1-50 characters");
    std::string fifty;
    for (int i = 0; i < 50; ++i)
      fifty += "가"; // 150 bytes
    p.nickname = fifty;
    CHECK(validate_profile(p).ok());
    p.nickname = fifty + "가";
    expect("nickname: must be 1-50 characters");
    p.nickname = "bad\nname";
    expect("nickname: must not contain control characters");
    p.nickname = "\xff\xfe";
    expect("nickname: must be valid UTF-8");
    p.nickname = "\xea\xb9"; // truncated 김
    expect("nickname: must be valid UTF-8");
  }
  SECTION("email") {
    p.email = "";
    CHECK(validate_profile(p).ok());
    p.email = "hong@koica.go.kr";
    CHECK(validate_profile(p).ok());
    for (auto bad : {"hong", "@koica.go.kr", "hong@", "a@b@c", "ho ng@x.kr"}) {
      p.email = bad;
      expect("email: ");
    }
  }
  SECTION("gender and age group") {
    p.gender = "남";
    p.age_group = "30대";
    CHECK(validate_profile(p).ok());
    p.gender = "M";
    expect("gender: ");
    p.gender = "";
    p.age_group = "30";
    expect("age_group: ");
  }
  SECTION("preferred_time") {
    p.preferred_time = "";
    CHECK(validate_profile(p).ok());
    p.preferred_time = "12:3";
    expect("preferred_time: must be HH:MM");
    p.preferred_time = "25:00";
    expect("preferred_time: must be HH:MM");
  }
  SECTION("list items are 1-100 characters") {
    p.food_preferences = {"한식", ""};
    expect("food_preferences: items must be 1-100 characters");
    p.food_preferences = {std::string(101, 'x')};
    expect("food_preferences: items must be 1-100 characters");
    p.food_preferences = {std::string(100, 'x')};
    CHECK(validate_profile(p).ok());
    p.allergies = {""};
    expect("allergies: ");
    p.allergies = {};
    p.lunch_styles = {"a,b"};
    expect("lunch_styles: items must not contain ','");
    p.lunch_styles = {};
    p.frequent_areas = {""};
    expect("frequent_areas: ");
    p.frequent_areas = {};
    p.notification_settings = {""};
    expect("notification_settings: ");
  }
  SECTION("main_dish_genre") {
    p.main_dish_genre = std::string(101, 'x');
    expect("main_dish_genre: must be at most 100 characters");
  }
}

TEST_CASE("user_patch_fields lists everything but the key and created_at",
          "[user_rules]") {
  CHECK(user_patch_fields()
        == std::vector<std::string>{
          "nickname", "email", "gender", "age_group", "main_dish_genre",
          "lunch_styles", "food_preferences", "allergies", "preferred_time",
          "frequent_areas", "notification_settings"});
}

TEST_CASE("validate_patch checks named fields only", "[user_rules]") {
  user_patch patch;
  SECTION("unknown field names are rejected") {
    patch.fields = {"gender", "foo"};
    patch.values.gender = "남";
    auto r = validate_patch(patch);
    CHECK(r.code == errc::invalid_argument);
    CHECK(r.message == "unknown field: foo");
    patch.fields = {"employee_id"};
    CHECK(validate_patch(patch).message == "unknown field: employee_id");
    patch.fields = {"created_at"};
    CHECK(validate_patch(patch).message == "unknown field: created_at");
  }
  SECTION("unnamed fields are not checked") {
    // values.nickname is empty, which validate_profile would reject.
    patch.values.gender = "여";
    patch.fields = {"gender"};
    CHECK(validate_patch(patch).ok());
    CHECK(validate_patch(user_patch{}).ok());
  }
  SECTION("a named nickname must not be empty") {
    patch.fields = {"nickname"};
    auto r = validate_patch(patch);
    CHECK(r.code == errc::invalid_argument);
    CHECK(starts_with(r.message, "nickname: must be 1-50 characters"));
  }
  SECTION("named values are validated") {
    patch.fields = {"preferred_time"};
    patch.values.preferred_time = "noon";
    CHECK(starts_with(validate_patch(patch).message, "preferred_time: "));
    patch.fields = {"age_group"};
    patch.values.age_group = "100대";
    CHECK(starts_with(validate_patch(patch).message, "age_group: "));
  }
}

TEST_CASE("S3: a preferences patch replaces exactly those fields",
          "[user_rules]") {
  auto p = seed_user_1();
  user_patch patch;
  patch.values.food_preferences = {"한식", "일식"};
  patch.values.allergies = {"땅콩"};
  patch.values.preferred_time = "12:30";
  patch.values.frequent_areas = {"판교"};
  patch.values.notification_settings = {"push_notification"};
  patch.values.nickname = "ignored: not named";
  patch.fields = {"food_preferences", "allergies", "preferred_time",
                  "frequent_areas", "notification_settings"};
  REQUIRE(validate_patch(patch).ok());
  apply_patch(p, patch);
  CHECK(p.food_preferences == std::vector<std::string>{"한식", "일식"});
  CHECK(p.allergies == std::vector<std::string>{"땅콩"});
  CHECK(p.preferred_time == "12:30");
  CHECK(p.frequent_areas == std::vector<std::string>{"판교"});
  CHECK(p.notification_settings
        == std::vector<std::string>{"push_notification"});
  CHECK(p.nickname == "김철수");
  CHECK(p.lunch_styles
        == std::vector<std::string>{"맛집 탐방", "새로운 메뉴 도전"});
}

TEST_CASE("S4: a profile patch leaves fields not sent unchanged",
          "[user_rules]") {
  auto p = seed_user_1();
  user_patch patch;
  patch.values.gender = "남";
  patch.values.age_group = "30대";
  patch.fields = {"gender", "age_group"};
  REQUIRE(validate_patch(patch).ok());
  apply_patch(p, patch);
  CHECK(p.gender == "남");
  CHECK(p.age_group == "30대");
  CHECK(p.employee_id == "1");
  CHECK(p.nickname == "김철수");
  CHECK(p.email == "user1@example.com");
  CHECK(p.main_dish_genre == "한식,중식");
  CHECK(p.food_preferences == std::vector<std::string>{"한식", "중식"});

  SECTION("a patch can clear an optional field") {
    user_patch clear;
    clear.fields = {"email", "allergies"};
    REQUIRE(validate_patch(clear).ok());
    apply_patch(p, clear);
    CHECK(p.email.empty());
    CHECK(p.allergies.empty());
    CHECK(p.nickname == "김철수");
  }
}

TEST_CASE("fill_defaults sets the old app's defaults where empty",
          "[user_rules]") {
  user_profile p;
  p.employee_id = "KOICA123";
  p.nickname = "홍길동";
  fill_defaults(p);
  CHECK(p.lunch_styles == std::vector<std::string>{"새로운 맛집 탐방"});
  CHECK(p.preferred_time == "12:00");
  CHECK(p.frequent_areas == std::vector<std::string>{"강남구", "서초구"});
  CHECK(p.notification_settings
        == std::vector<std::string>{"push_notification", "party_reminder"});
  CHECK(p.allergies.empty());
  CHECK(p.food_preferences.empty());
  CHECK(validate_profile(p).ok());

  auto q = seed_user_1();
  q.preferred_time = "11:30";
  q.notification_settings = {"party_reminder"};
  fill_defaults(q);
  CHECK(q.lunch_styles
        == std::vector<std::string>{"맛집 탐방", "새로운 메뉴 도전"});
  CHECK(q.preferred_time == "11:30");
  CHECK(q.notification_settings == std::vector<std::string>{"party_reminder"});
}

TEST_CASE("comma_join and comma_split", "[user_rules]") {
  CHECK(comma_join({}) == "");
  CHECK(comma_join({"한식"}) == "한식");
  CHECK(comma_join({"맛집 탐방", "새로운 메뉴 도전"})
        == "맛집 탐방,새로운 메뉴 도전");
  CHECK(comma_split("") == std::vector<std::string>{});
  CHECK(comma_split("한식,중식") == std::vector<std::string>{"한식", "중식"});
  // The old app kept the blank: "한식, 중식" gave " 중식" (spec §0).
  CHECK(comma_split("한식, 중식") == std::vector<std::string>{"한식", "중식"});
  CHECK(comma_split(" a , ,b,, c d ")
        == std::vector<std::string>{"a", "b", "c d"});
  CHECK(comma_split(",,") == std::vector<std::string>{});
  std::vector<std::string> styles{"맛집 탐방", "새로운 메뉴 도전"};
  CHECK(comma_split(comma_join(styles)) == styles);
}
