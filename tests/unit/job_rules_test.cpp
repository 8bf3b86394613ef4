// Job rules (actors/jobs/job_rules): kinds, arguments with their defaults
// (spec §5), retry backoff and the notify success rate.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "actors/jobs/job_rules.hpp"

using namespace lunch;
using namespace lunch::jobs;

namespace {

nlohmann::json normalized(const std::string& kind, const std::string& args) {
  std::string out;
  auto r = normalize_args(kind, args, out);
  REQUIRE(r.ok());
  return nlohmann::json::parse(out);
}

std::string refusal(const std::string& kind, const std::string& args) {
  std::string out;
  auto r = normalize_args(kind, args, out);
  REQUIRE_FALSE(r.ok());
  CHECK(r.code == errc::invalid_argument);
  return r.message;
}

} // namespace

TEST_CASE("job kinds and their default arguments", "[jobs]") {
  CHECK(kinds()
        == std::vector<std::string>{"recommendations", "user-analytics",
                                    "cleanup", "notify", "noop"});
  // §5 send_bulk_notifications_async defaults, every user.
  auto n = normalized("notify", "");
  CHECK(n.at("users") == "all");
  CHECK(n.at("type") == "general");
  CHECK(n.at("title") == "알림");
  CHECK(n.at("message") == "새로운 알림이 있습니다.");
  CHECK(n.at("batch") == 500);
  CHECK(n.at("pause_ms") == 0);
  auto s25 = normalized("notify", R"({"users":["1","2"],"title":"공지",)"
                                  R"("message":"점검"})");
  CHECK(s25.at("users") == nlohmann::json::array({"1", "2"}));
  CHECK(s25.at("title") == "공지");
  CHECK(normalized("recommendations", "{}").at("days") == 30);
  CHECK(normalized("noop", "").at("sleep_ms") == 0);
  CHECK(normalized("cleanup", R"({"today":"2026-11-21"})").at("today")
        == "2026-11-21");
  CHECK(normalized("user-analytics", R"({"user":"7"})").at("user") == "7");
}

TEST_CASE("bad job arguments are refused naming the field", "[jobs]") {
  CHECK(refusal("celery", "")
        == "kind: must be one of recommendations, "
           "user-analytics, cleanup, notify, noop");
  CHECK(refusal("notify", "[1]") == "args: must be a JSON object");
  CHECK(refusal("notify", "{") == "args: must be a JSON object");
  CHECK(refusal("notify", R"({"users":"some"})")
        == "users: must be a list of employee ids or \"all\"");
  CHECK(refusal("notify", R"({"users":[""]})")
        == "users: must be employee ids");
  CHECK(refusal("notify", R"({"batch":0})")
        == "batch: must be an integer from 1 to 5000");
  CHECK(refusal("cleanup", R"({"today":"2026-02-30"})")
        == "today: must be a real date YYYY-MM-DD");
  CHECK(refusal("recommendations", R"({"days":61})")
        == "days: must be an integer from 1 to 60");
  CHECK(refusal("noop", R"({"sleep_ms":-1})")
        == "sleep_ms: must be an integer from 0 to 600000");
}

TEST_CASE("retries back off by doubling up to a minute", "[jobs]") {
  kind_policy p;
  CHECK(p.soft_limit_ms == 1500000);
  CHECK(p.hard_limit_ms == 1800000);
  CHECK(p.max_attempts == 3);
  CHECK(retry_delay_ms(p, 1) == 1000);
  CHECK(retry_delay_ms(p, 2) == 2000);
  CHECK(retry_delay_ms(p, 3) == 4000);
  CHECK(retry_delay_ms(p, 10) == 60000);
  p.retry_backoff_ms = 0;
  CHECK(retry_delay_ms(p, 5) == 0);
  auto all = policies_with({{"notify", kind_policy{10, 20, 1, 5}}});
  CHECK(all.size() == 5);
  CHECK(all.at("notify").max_attempts == 1);
  CHECK(all.at("cleanup").max_attempts == 3);
}

TEST_CASE("S25: the notify success rate", "[jobs]") {
  CHECK(success_rate(2, 2) == Approx(100.0));
  CHECK(success_rate(1, 4) == Approx(25.0));
  CHECK(success_rate(0, 0) == 0.0);
}
