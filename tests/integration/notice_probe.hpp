#pragma once

// Stands in for a node's recommend actor: registered as "recommend" in the
// node's directory, it records every change notice it gets, as one line
// each ("member_add u1 2026-12-01 #16385").

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "messages/gateway_protocol.hpp"
#include "runtime/node_directory.hpp"
#include "tests/integration/node_client.hpp"

namespace lunch::test {

inline std::string describe(const rec_change& c) {
  if (c.kind == "member_add" || c.kind == "member_remove")
    return c.kind + " " + c.busy.employee_id + " " + c.busy.date + " #"
           + std::to_string(c.busy.party_id);
  if (c.kind == "calendar_add" || c.kind == "calendar_delete")
    return c.kind + " " + c.entry.employee_id + " #"
           + std::to_string(c.entry.id);
  if (c.kind == "user_upsert")
    return c.kind + " " + c.user.employee_id + " " + c.user.nickname;
  return c.kind + " " + c.user.employee_id;
}

class notice_probe {
public:
  notice_probe(caf::actor_system& sys, actor_directory& dir)
      : log_(std::make_shared<log>()) {
    auto l = log_;
    handle_ = sys.spawn([l](caf::event_based_actor*) -> caf::behavior {
      return {[l](rec_change_atom, const std::vector<rec_change>& cs) {
        std::lock_guard<std::mutex> guard{l->mtx};
        for (auto& c : cs)
          l->lines.push_back(describe(c));
      }};
    });
    dir.put(node_directory::recommender_name, handle_);
  }

  ~notice_probe() {
    caf::anon_send_exit(handle_, caf::exit_reason::user_shutdown);
  }

  size_t size() const {
    std::lock_guard<std::mutex> guard{log_->mtx};
    return log_->lines.size();
  }

  /// Waits until `n` more notices than `seen` arrived; returns those (and
  /// any further ones), sorted, and advances `seen`.
  std::vector<std::string> next(size_t& seen, size_t n) const {
    eventually([&] { return size() >= seen + n; });
    std::lock_guard<std::mutex> guard{log_->mtx};
    std::vector<std::string> xs(log_->lines.begin() + seen, log_->lines.end());
    seen = log_->lines.size();
    std::sort(xs.begin(), xs.end());
    return xs;
  }

private:
  struct log {
    std::mutex mtx;
    std::vector<std::string> lines;
  };
  std::shared_ptr<log> log_;
  caf::actor handle_;
};

/// `xs`, sorted (to compare with notice_probe::next).
inline std::vector<std::string> sorted(std::vector<std::string> xs) {
  std::sort(xs.begin(), xs.end());
  return xs;
}

} // namespace lunch::test
