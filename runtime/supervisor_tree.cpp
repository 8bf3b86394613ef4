#include <algorithm>

#include <caf/all.hpp>

#include "runtime/gather.hpp"
#include "runtime/supervisor_state.hpp"

namespace lunch::supervision_detail {

namespace {

tree_line own_line(self_ptr self) {
  auto& st = self->state;
  int64_t restarts = 0;
  for (auto& c : st.children)
    restarts += c.restarts;
  auto now = self->clock().now();
  return tree_line{0,
                   st.spec.name,
                   "supervisor",
                   supervision::to_string(st.spec.strategy),
                   "running",
                   0,
                   "child restarts " + std::to_string(restarts) + ", in window "
                     + std::to_string(st.window->count(now)) + "/"
                     + std::to_string(st.spec.intensity.max_restarts) + " per "
                     + std::to_string(st.spec.intensity.period.count())
                     + " ms"};
}

std::string child_detail(const child& c) {
  std::string d;
  if (c.escalations > 0)
    d = "escalations " + std::to_string(c.escalations);
  if (c.restarts > 0 && !c.last_exit.empty())
    d += (d.empty() ? "" : ", ") + std::string("last exit: ") + c.last_exit;
  return d;
}

} // namespace

caf::typed_response_promise<std::vector<tree_line>> tree(self_ptr self) {
  auto rp = self->make_response_promise<std::vector<tree_line>>();
  std::vector<size_t> nested;
  std::vector<caf::actor> handles;
  for (size_t j = 0; j < self->state.children.size(); ++j) {
    auto& c = self->state.children[j];
    if (c.spec.kind != child_kind::worker && c.state == status::running) {
      nested.push_back(j);
      handles.push_back(c.handle);
    }
  }
  auto timeout = self->state.spec.tree_timeout;
  gather<std::vector<tree_line>>(
    handles.size(),
    [=](size_t k) {
      return self->request(handles[k], timeout, sup_tree_atom::value);
    },
    [=](std::vector<answer<std::vector<tree_line>>> answers) mutable {
      auto& st = self->state;
      std::vector<tree_line> lines{own_line(self)};
      for (size_t j = 0; j < st.children.size(); ++j) {
        auto& c = st.children[j];
        if (c.removed)
          continue;
        auto k = std::find(nested.begin(), nested.end(), j) - nested.begin();
        bool has_subtree = static_cast<size_t>(k) < nested.size()
                           && answers[k].value && !answers[k].value->empty();
        if (!has_subtree) {
          lines.push_back(tree_line{1, c.spec.name, to_string(c.spec.kind), "",
                                    to_string(c.state), c.restarts,
                                    child_detail(c)});
          continue;
        }
        auto sub = std::move(*answers[k].value);
        sub.front().restarts = c.restarts;
        sub.front().state = to_string(c.state);
        auto extra = child_detail(c);
        if (!extra.empty())
          sub.front().detail += "; " + extra;
        for (auto& line : sub) {
          line.depth += 1;
          lines.push_back(std::move(line));
        }
      }
      rp.deliver(std::move(lines));
    });
  return rp;
}

} // namespace lunch::supervision_detail
