#include "actors/shard/slot_map.hpp"

#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include <openssl/evp.h>

namespace lunch {

int32_t slot_of(std::string_view key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // An empty string_view may have a null data(); OpenSSL wants a pointer.
  const char* data = key.empty() ? "" : key.data();
  if (EVP_Digest(data, key.size(), digest, &size, EVP_md5(), nullptr) != 1
      || size != 16)
    throw std::runtime_error("slot_of: OpenSSL MD5 failed");
  // The digest as a big-endian integer mod 2^14: only the last 14 bits count.
  return ((digest[14] & 0x3F) << 8) | digest[15];
}

int64_t make_party_id(int64_t seq, int32_t slot) {
  return seq * slot_count + slot;
}

int32_t slot_of_party(int64_t party_id) {
  // Ids are positive; the extra + slot_count keeps a bogus negative id from
  // producing a negative slot that would index out of the table.
  auto rem = party_id % slot_count;
  return static_cast<int32_t>(rem < 0 ? rem + slot_count : rem);
}

slot_map slot_map::modulo(int32_t shards) {
  if (shards < 1 || shards > max_shards)
    throw std::invalid_argument("slot_map: shards must be in 1.."
                                + std::to_string(max_shards) + " (got "
                                + std::to_string(shards) + ")");
  std::vector<int32_t> table(slot_count);
  for (size_t slot = 0; slot < table.size(); ++slot)
    table[slot] = static_cast<int32_t>(slot) % shards;
  return slot_map{std::move(table), shards};
}

slot_map::slot_map(std::vector<int32_t> slot_to_shard, int32_t shards)
    : table_(std::move(slot_to_shard)), shards_(shards) {
  if (shards_ < 1 || shards_ > max_shards)
    throw std::invalid_argument("slot_map: shards must be in 1.."
                                + std::to_string(max_shards) + " (got "
                                + std::to_string(shards_) + ")");
  if (table_.size() != static_cast<size_t>(slot_count))
    throw std::invalid_argument("slot_map: the table must have "
                                + std::to_string(slot_count) + " entries (got "
                                + std::to_string(table_.size()) + ")");
  for (size_t slot = 0; slot < table_.size(); ++slot)
    if (table_[slot] < 0 || table_[slot] >= shards_)
      throw std::invalid_argument(
        "slot_map: slot " + std::to_string(slot) + " maps to shard "
        + std::to_string(table_[slot]) + ", outside [0, "
        + std::to_string(shards_) + ")");
}

int32_t slot_map::shard_of_slot(int32_t slot) const {
  if (slot < 0 || slot >= slot_count)
    throw std::out_of_range("slot_map: slot " + std::to_string(slot)
                            + " out of range");
  return table_[static_cast<size_t>(slot)];
}

int32_t slot_map::shard_of_key(std::string_view key) const {
  return shard_of_slot(slot_of(key));
}

int32_t slot_map::shard_of_party(int64_t party_id) const {
  return shard_of_slot(slot_of_party(party_id));
}

std::vector<slot_range> slot_map::ranges() const {
  std::vector<slot_range> result;
  for (int32_t slot = 0; slot < slot_count; ++slot) {
    auto shard = table_[static_cast<size_t>(slot)];
    if (!result.empty() && result.back().shard == shard)
      result.back().last = slot;
    else
      result.push_back(slot_range{slot, slot, shard});
  }
  return result;
}

std::vector<int64_t> slot_map::slots_per_shard() const {
  std::vector<int64_t> result(static_cast<size_t>(shards_), 0);
  for (auto shard : table_)
    ++result[static_cast<size_t>(shard)];
  return result;
}

rebalance_plan plan_rebalance(const std::vector<int64_t>& users_per_shard) {
  rebalance_plan plan;
  plan.current_distribution = users_per_shard;
  if (users_per_shard.empty())
    return plan;
  auto total = std::accumulate(users_per_shard.begin(), users_per_shard.end(),
                               int64_t{0});
  // Same double arithmetic as the Python original, so the thresholds and the
  // truncated counts match it exactly.
  double avg = static_cast<double>(total)
               / static_cast<double>(users_per_shard.size());
  plan.average_users_per_shard = avg;
  for (size_t i = 0; i < users_per_shard.size(); ++i) {
    auto count = static_cast<double>(users_per_shard[i]);
    auto shard = static_cast<int32_t>(i);
    if (count > avg * 1.2)
      plan.steps.push_back(
        rebalance_step{shard, "move_out", static_cast<int64_t>(count - avg)});
    else if (count < avg * 0.8)
      plan.steps.push_back(
        rebalance_step{shard, "move_in", static_cast<int64_t>(avg - count)});
  }
  return plan;
}

} // namespace lunch
