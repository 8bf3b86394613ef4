#pragma once

// The job runner's access to the catalog's `jobs` table: a detached actor
// (its own thread, its own catalog connection, so job traffic never delays
// the cluster's heartbeats on the catalog actor's connection). A failure
// is an error reply; a broken connection is opened again on the next
// request. Node-local. Its messages (job_db_actor) are in
// messages/job_protocol.hpp.

#include <string>

#include <caf/fwd.hpp>

#include "messages/job_protocol.hpp"

namespace lunch {

/// Spawns the job database actor, linked to `parent`.
job_db_actor spawn_job_db(caf::local_actor* parent, std::string dsn);

} // namespace lunch
