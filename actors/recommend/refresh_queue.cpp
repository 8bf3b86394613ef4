#include "actors/recommend/refresh_queue.hpp"

#include <algorithm>
#include <iterator>

namespace lunch::rec {

bool refresh_queue::push(const refresh_key& key) {
  auto seq = next_seq_++;
  auto [i, fresh] = seq_of_.emplace(key, seq);
  if (!fresh) {
    by_seq_.erase(i->second);
    i->second = seq;
  }
  by_seq_.emplace(seq, key);
  return fresh;
}

bool refresh_queue::erase(const refresh_key& key) {
  auto i = seq_of_.find(key);
  if (i == seq_of_.end())
    return false;
  by_seq_.erase(i->second);
  seq_of_.erase(i);
  return true;
}

bool refresh_queue::contains(const refresh_key& key) const {
  return seq_of_.count(key) > 0;
}

std::vector<refresh_key> refresh_queue::take(size_t n) {
  std::vector<refresh_key> out;
  // An odd batch's extra key goes to the newest and the oldest end in
  // turn, so even batches of one reach every key.
  auto half = n / 2;
  if (n % 2 == 1) {
    if (!odd_to_oldest_)
      ++half;
    odd_to_oldest_ = !odd_to_oldest_;
  }
  auto newest = std::min(half, by_seq_.size());
  auto oldest = std::min(n - newest, by_seq_.size() - newest);
  out.reserve(newest + oldest);
  for (size_t k = 0; k < newest; ++k) {
    auto i = std::prev(by_seq_.end());
    out.push_back(i->second);
    seq_of_.erase(i->second);
    by_seq_.erase(i);
  }
  for (size_t k = 0; k < oldest; ++k) {
    auto i = by_seq_.begin();
    out.push_back(i->second);
    seq_of_.erase(i->second);
    by_seq_.erase(i);
  }
  return out;
}

void refresh_queue::clear() {
  by_seq_.clear();
  seq_of_.clear();
}

size_t refresh_queue::memory_bytes() const {
  // std::map node: three pointers and a color word besides the value;
  // std::unordered_map node: a next pointer and the cached hash.
  constexpr size_t map_node = sizeof(std::pair<const uint64_t, refresh_key>)
                              + 4 * sizeof(void*);
  constexpr size_t hash_node = sizeof(std::pair<const refresh_key, uint64_t>)
                               + 2 * sizeof(void*);
  return by_seq_.size() * map_node + seq_of_.size() * hash_node
         + seq_of_.bucket_count() * sizeof(void*);
}

} // namespace lunch::rec
