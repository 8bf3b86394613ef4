#include "actors/events/events.hpp"

#include <nlohmann/json.hpp>

#include "messages/recommend_changes.hpp"

namespace lunch::events {

namespace {

using json = nlohmann::json;

json award_json(const points_award& a) {
  return {{"employee_id", a.employee_id},
          {"shard", a.shard},
          {"ledger_id", a.ledger_id},
          {"points", a.points}};
}

points_award award_of(const json& j) {
  return {j.at("employee_id").get<std::string>(), j.at("shard").get<int32_t>(),
          j.at("ledger_id").get<int64_t>(), j.at("points").get<int64_t>()};
}

json user_json(const user_profile& p) {
  return {{"employee_id", p.employee_id},
          {"nickname", p.nickname},
          {"gender", p.gender},
          {"age_group", p.age_group},
          {"main_dish_genre", p.main_dish_genre},
          {"lunch_styles", p.lunch_styles},
          {"food_preferences", p.food_preferences},
          {"allergies", p.allergies},
          {"preferred_time", p.preferred_time},
          {"frequent_areas", p.frequent_areas}};
}

rec_user rec_user_of(const json& j) {
  rec_user u;
  u.employee_id = j.at("employee_id").get<std::string>();
  u.nickname = j.at("nickname").get<std::string>();
  u.gender = j.at("gender").get<std::string>();
  u.age_group = j.at("age_group").get<std::string>();
  u.main_dish_genre = j.at("main_dish_genre").get<std::string>();
  u.lunch_styles = j.at("lunch_styles").get<std::vector<std::string>>();
  u.food_preferences = j.at("food_preferences").get<std::vector<std::string>>();
  u.allergies = j.at("allergies").get<std::vector<std::string>>();
  u.preferred_time = j.at("preferred_time").get<std::string>();
  u.frequent_areas = j.at("frequent_areas").get<std::vector<std::string>>();
  return u;
}

json entry_json(const calendar_entry& e) {
  return {{"id", e.id},
          {"employee_id", e.employee_id},
          {"date", e.date},
          {"title", e.title},
          {"description", e.description},
          {"recurrence", e.recurrence},
          {"interval", e.interval},
          {"until", e.until}};
}

calendar_entry entry_of(const json& j) {
  calendar_entry e;
  e.id = j.at("id").get<int64_t>();
  e.employee_id = j.at("employee_id").get<std::string>();
  e.date = j.at("date").get<std::string>();
  e.title = j.at("title").get<std::string>();
  e.description = j.at("description").get<std::string>();
  e.recurrence = j.at("recurrence").get<std::string>();
  e.interval = j.at("interval").get<int32_t>();
  e.until = j.at("until").get<std::string>();
  return e;
}

std::string party_entity(int64_t id) {
  return "party:" + std::to_string(id);
}

draft make(std::string entity, std::string kind, const json& payload) {
  return {std::move(entity), std::move(kind), payload.dump()};
}

/// §8.1: an award of 50 points or more is announced to its user.
constexpr int64_t announced_points = 50;

notice points_notice(const domain_event& e, int32_t shard,
                     const points_award& a, const std::string& activity) {
  notification n;
  n.employee_id = a.employee_id;
  n.type = "points_earned";
  n.title = "⭐ 포인트 획득";
  // "{pts} points earned! ({desc or type})"
  n.message = std::to_string(a.points) + "포인트를 획득했습니다! (" + activity
              + ")";
  n.related_type = "points";
  return {n, "evt:" + std::to_string(shard) + ":" + std::to_string(e.id)
               + ":points:" + a.employee_id};
}

notice party_notice(const domain_event& e, int32_t shard, const std::string& to,
                    const std::string& type, std::string title,
                    std::string message, int64_t party) {
  notification n;
  n.employee_id = to;
  n.type = type;
  n.title = std::move(title);
  n.message = std::move(message);
  n.related_id = party;
  n.related_type = "party";
  return {n, "evt:" + std::to_string(shard) + ":" + std::to_string(e.id) + ":"
               + type + ":" + to};
}

} // namespace

draft user_saved(const user_profile& p, bool created) {
  return make("user:" + p.employee_id,
              created ? "user.created" : "user.updated",
              {{"user", user_json(p)}});
}

draft user_deleted(const std::string& employee_id) {
  return make("user:" + employee_id, "user.deleted",
              {{"employee_id", employee_id}});
}

draft party_created(const party_record& p, const points_award& award) {
  return make(party_entity(p.id), "party.created",
              {{"party_id", p.id},
               {"host", p.host_employee_id},
               {"title", p.title},
               {"date", p.party_date},
               {"members", p.member_ids},
               {"award", award_json(award)}});
}

draft party_joined(int64_t party, const std::string& user,
                   const std::string& host, const std::string& title,
                   const std::string& date, const points_award& award) {
  return make(party_entity(party), "party.joined",
              {{"party_id", party},
               {"user", user},
               {"host", host},
               {"title", title},
               {"date", date},
               {"award", award_json(award)}});
}

draft party_left(int64_t party, const std::string& user,
                 const std::string& date) {
  return make(party_entity(party), "party.left",
              {{"party_id", party}, {"user", user}, {"date", date}});
}

draft party_updated(int64_t party, const std::string& old_date,
                    const std::string& date,
                    const std::vector<std::string>& members) {
  return make(party_entity(party), "party.updated",
              {{"party_id", party},
               {"old_date", old_date},
               {"date", date},
               {"members", members}});
}

draft party_deleted(int64_t party, const std::string& date,
                    const std::vector<std::string>& members) {
  return make(party_entity(party), "party.deleted",
              {{"party_id", party}, {"date", date}, {"members", members}});
}

draft schedule_changed(const calendar_entry& e, bool added) {
  return make("user:" + e.employee_id, "schedule.changed",
              {{"op", added ? "add" : "delete"}, {"entry", entry_json(e)}});
}

const std::vector<std::string>& subscribers() {
  static const std::vector<std::string> all{notifications_subscriber,
                                            recommend_subscriber};
  return all;
}

std::vector<notice> notices_of(const domain_event& e, int32_t shard) {
  std::vector<notice> out;
  auto j = json::parse(e.payload);
  if (e.kind == "party.created") {
    auto party = j.at("party_id").get<int64_t>();
    auto host = j.at("host").get<std::string>();
    auto title = j.at("title").get<std::string>();
    for (auto& member : j.at("members").get<std::vector<std::string>>())
      if (member != host)
        out.push_back(
          party_notice(e, shard, member, "party_invite", "🎉 파티 초대",
                       "'" + title + "' 파티에 초대되었습니다.", party));
    auto award = award_of(j.at("award"));
    if (award.points >= announced_points)
      out.push_back(points_notice(e, shard, award, "party_created"));
  } else if (e.kind == "party.joined") {
    auto party = j.at("party_id").get<int64_t>();
    auto user = j.at("user").get<std::string>();
    out.push_back(party_notice(
      e, shard, j.at("host").get<std::string>(), "party_join", "👥 새 멤버",
      user + "님이 '" + j.at("title").get<std::string>()
        + "' 파티에 참여했습니다.",
      party));
    auto award = award_of(j.at("award"));
    if (award.points >= announced_points)
      out.push_back(points_notice(e, shard, award, "party_joined"));
  }
  return out;
}

std::vector<rec_change> rec_changes_of(const domain_event& e) {
  std::vector<rec_change> out;
  auto j = json::parse(e.payload);
  auto members_on = [&](const char* kind, const std::string& date) {
    auto party = j.at("party_id").get<int64_t>();
    for (auto& m : j.at("members").get<std::vector<std::string>>())
      out.push_back(membership(kind, m, date, party));
  };
  if (e.kind == "user.created" || e.kind == "user.updated") {
    rec_change c;
    c.kind = rec_kind::user_upsert;
    c.user = rec_user_of(j.at("user"));
    out.push_back(std::move(c));
  } else if (e.kind == "user.deleted") {
    out.push_back(lunch::user_deleted(j.at("employee_id").get<std::string>()));
  } else if (e.kind == "party.created") {
    members_on(rec_kind::member_add, j.at("date").get<std::string>());
  } else if (e.kind == "party.joined" || e.kind == "party.left") {
    out.push_back(membership(
      e.kind == "party.joined" ? rec_kind::member_add : rec_kind::member_remove,
      j.at("user").get<std::string>(), j.at("date").get<std::string>(),
      j.at("party_id").get<int64_t>()));
  } else if (e.kind == "party.updated") {
    auto old_date = j.at("old_date").get<std::string>();
    auto date = j.at("date").get<std::string>();
    if (old_date != date) {
      members_on(rec_kind::member_remove, old_date);
      members_on(rec_kind::member_add, date);
    }
  } else if (e.kind == "party.deleted") {
    members_on(rec_kind::member_remove, j.at("date").get<std::string>());
  } else if (e.kind == "schedule.changed") {
    out.push_back(calendar_changed(
      j.at("op") == "add" ? rec_kind::calendar_add : rec_kind::calendar_delete,
      entry_of(j.at("entry"))));
  }
  return out;
}

} // namespace lunch::events
