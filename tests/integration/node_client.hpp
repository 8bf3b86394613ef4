#pragma once

// Talking to an in-process node from a test: one request through the
// node's current gateway, and sample records.

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "actors/shard/slot_map.hpp"
#include "messages/errors.hpp"
#include "messages/model.hpp"
#include "messages/recommend_model.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lunch::test {

template <class T>
struct reply {
  std::optional<T> value;
  errc code = errc::none;
  std::string message;
};

template <class T, class... Ts>
inline reply<T> ask(test::node_fixture& node, Ts... xs) {
  caf::scoped_actor self{*node.sys};
  reply<T> r;
  self->request(node.node.gateway(), std::chrono::seconds(30), xs...)
    .receive([&](T& x) { r.value = std::move(x); },
             [&](caf::error& e) {
               r.code = errc_of(e);
               r.message = message_of(e);
             });
  return r;
}

inline user_profile person(std::string id, std::string nickname,
                           std::string genre = "한식,중식") {
  user_profile p;
  p.employee_id = std::move(id);
  p.nickname = std::move(nickname);
  p.main_dish_genre = genre;
  p.food_preferences = {"한식"};
  return p;
}

inline party_record lunch_party(std::string host, int32_t max_members,
                                std::vector<std::string> members = {}) {
  party_record p;
  p.host_employee_id = std::move(host);
  p.title = "점심";
  p.restaurant_name = "지구마을";
  p.party_date = "2026-12-01";
  p.party_time = "12:00";
  p.meeting_location = "로비";
  p.max_members = max_members;
  p.member_ids = std::move(members);
  return p;
}

inline calendar_entry entry(std::string user, std::string date,
                            std::string title) {
  calendar_entry e;
  e.employee_id = std::move(user);
  e.date = std::move(date);
  e.title = std::move(title);
  return e;
}

/// Polls `probe` until it returns true; false after `limit`.
template <class Probe>
bool eventually(Probe probe,
                std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

/// The first `n` ids "<prefix><i>" that live on `shard` of a fresh 4-shard
/// catalog (slot mod 4).
inline std::vector<std::string> ids_on_shard(int32_t shard, size_t n,
                                             const std::string& prefix) {
  auto map = slot_map::modulo(4);
  std::vector<std::string> ids;
  for (int i = 0; ids.size() < n; ++i) {
    auto id = prefix + std::to_string(i);
    if (map.shard_of_key(id) == shard)
      ids.push_back(id);
  }
  return ids;
}

} // namespace lunch::test
