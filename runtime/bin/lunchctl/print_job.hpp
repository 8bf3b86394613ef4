#pragma once

// lunchctl's output of jobs: JSON in the shape of the old
// get_task_status (task_id, status, result, info) with the progress and
// timestamps, and tables.

#include <vector>

#include <nlohmann/json.hpp>

#include "messages/job_model.hpp"

namespace lunch::ctl {

nlohmann::ordered_json to_json(const job_record& x);
nlohmann::ordered_json to_json(const std::vector<job_record>& xs);
nlohmann::ordered_json to_json(const std::vector<job_worker_stats>& xs);

void print_job(const job_record& x);
void print_jobs(const std::vector<job_record>& xs);
void print_workers(const std::vector<job_worker_stats>& xs);

} // namespace lunch::ctl
