#include "actors/shard/shard_schema.hpp"

#include <string>

#include <pqxx/result>
#include <pqxx/transaction>

#include "messages/wire_formats.hpp"
#include "runtime/db/map_error.hpp"
#include "runtime/db/migrate.hpp"

namespace lunch {

namespace {

// Distinct advisory-lock keys for catalog (actors/cluster/catalog_schema.cpp)
// and shards, so they never block each other when they share one PostgreSQL
// database in tests.
constexpr int64_t shard_lock = 0x6c756e6368'02;

// The lease epoch of the owner that wrote a row (set on its session).
const std::string epoch_column
  = "epoch bigint NOT NULL DEFAULT coalesce(nullif("
    "current_setting('lunch.epoch', true), '')::bigint, 0)";

// An id sequence in shard `index`'s residue class mod max_shards, so ids
// stay unique across shards (and if rows ever move).
void create_shard_sequence(pqxx::work& tx, const std::string& name,
                           int32_t index) {
  tx.exec("CREATE SEQUENCE " + name + " START WITH " + std::to_string(index + 1)
          + " INCREMENT BY " + std::to_string(max_shards));
}

// Shard schema. A user's rows and the parties they host live on the
// user's shard; party members may live anywhere, so they carry no foreign
// key to users.
std::vector<db::migration> shard_steps(int32_t index) {
  return {
    {1,
     [index](pqxx::work& tx) {
       tx.exec("CREATE TABLE shard_meta (shard_index integer NOT NULL,"
               " created_at timestamptz NOT NULL DEFAULT now())");
       tx.exec_params("INSERT INTO shard_meta (shard_index) VALUES ($1)",
                      index);
       tx.exec(R"(CREATE TABLE users (
        employee_id text PRIMARY KEY,
        nickname text NOT NULL,
        email text NOT NULL DEFAULT '',
        gender text NOT NULL DEFAULT '',
        age_group text NOT NULL DEFAULT '',
        main_dish_genre text NOT NULL DEFAULT '',
        lunch_styles jsonb NOT NULL DEFAULT '[]',
        food_preferences jsonb NOT NULL DEFAULT '[]',
        allergies jsonb NOT NULL DEFAULT '[]',
        preferred_time text NOT NULL DEFAULT '',
        frequent_areas jsonb NOT NULL DEFAULT '[]',
        notification_settings jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()))");
       tx.exec("CREATE INDEX users_nickname ON users (nickname)");
       // Party ids are seq * 16384 + host slot. Each shard draws from its
       // own residue class mod 64, so ids stay unique even after slots
       // move between shards.
       create_shard_sequence(tx, "party_seq", index);
       tx.exec(R"(CREATE TABLE parties (
        id bigint PRIMARY KEY,
        host_employee_id text NOT NULL
          REFERENCES users (employee_id) ON DELETE CASCADE,
        title text NOT NULL,
        restaurant_name text NOT NULL,
        restaurant_address text NOT NULL DEFAULT '',
        party_date date NOT NULL,
        party_time text NOT NULL,
        meeting_location text NOT NULL,
        max_members integer NOT NULL CHECK (max_members >= 1),
        is_from_match boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()))");
       tx.exec("CREATE INDEX parties_date ON parties (party_date)");
       tx.exec("CREATE INDEX parties_host ON parties (host_employee_id)");
       tx.exec(R"(CREATE TABLE party_members (
        party_id bigint NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
        employee_id text NOT NULL,
        is_host boolean NOT NULL DEFAULT false,
        joined_at timestamptz NOT NULL DEFAULT now(),
        seq bigserial,
        PRIMARY KEY (party_id, employee_id)))");
       tx.exec("CREATE INDEX party_members_user"
               " ON party_members (employee_id, party_id)");
       // The points ledger (spec §8.1 system A). An award is written on
       // the shard of the action, in the action's transaction.
       tx.exec(R"(CREATE TABLE user_activity (
        id bigserial PRIMARY KEY,
        employee_id text NOT NULL,
        activity_type text NOT NULL,
        points_earned integer NOT NULL,
        description text NOT NULL DEFAULT '',
        party_id bigint,
        created_at timestamptz NOT NULL DEFAULT now()))");
       tx.exec("CREATE INDEX user_activity_user"
               " ON user_activity (employee_id, id)");
     }},
    // 2: fencing and idempotency. The owner of a lease epoch sets
    // lunch.epoch on its session; rows remember the epoch that wrote them.
    {2,
     [](pqxx::work& tx) {
       tx.exec(R"(CREATE TABLE shard_fence (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        epoch bigint NOT NULL,
        owner text NOT NULL,
        fenced_at timestamptz NOT NULL DEFAULT now()))");
       tx.exec("INSERT INTO shard_fence (epoch, owner) VALUES (0, '')");
       // Every owner write transaction calls this first: its FOR SHARE lock
       // makes a takeover wait for the transaction, and after the takeover
       // the old epoch can no longer commit anything.
       tx.exec(R"(CREATE FUNCTION lunch_fence(expected bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE current bigint;
        BEGIN
          SELECT epoch INTO current FROM shard_fence FOR SHARE;
          IF current IS DISTINCT FROM expected THEN
            RAISE EXCEPTION 'fenced: the shard belongs to epoch %, not %',
              current, expected USING ERRCODE = 'LF001';
          END IF;
        END $$)");
       for (const char* table : {"user_activity", "party_members", "parties"})
         tx.exec(std::string{"ALTER TABLE "} + table + " ADD COLUMN "
                 + epoch_column);
       // Request ids of applied writes with their original replies.
       tx.exec(R"(CREATE TABLE request_log (
        request_id text PRIMARY KEY,
        reply text NOT NULL, -- the original reply, CAF binary as hex
        )" + epoch_column
               + R"(,
        created_at timestamptz NOT NULL DEFAULT now()))");
     }},
    // 3: personal calendar entries (spec §2.4, §10.4). Like party ids,
    // entry ids come from this shard's residue class mod 64, so they are
    // unique across shards (and stay so if rows ever move).
    {3,
     [index](pqxx::work& tx) {
       create_shard_sequence(tx, "calendar_seq", index);
       tx.exec(R"(CREATE TABLE calendar_entries (
        id bigint PRIMARY KEY,
        employee_id text NOT NULL
          REFERENCES users (employee_id) ON DELETE CASCADE,
        entry_date date NOT NULL,
        title text NOT NULL CHECK (title <> ''),
        description text NOT NULL DEFAULT '',
        recurrence text NOT NULL DEFAULT ''
          CHECK (recurrence IN ('', 'weekly', 'monthly', 'yearly')),
        interval_n integer NOT NULL DEFAULT 1 CHECK (interval_n >= 1),
        until date CHECK (until IS NULL
                          OR (recurrence <> '' AND until >= entry_date)),
        created_at timestamptz NOT NULL DEFAULT now(),
        )" + epoch_column
               + ")");
       tx.exec("CREATE INDEX calendar_entries_user"
               " ON calendar_entries (employee_id)");
     }},
    // 4: the notification inbox (spec §10.1) and the event outbox. Like
    // party ids, notification ids are seq * 16384 + the recipient's slot,
    // with seq from this shard's residue class mod 64: an id routes to its
    // shard. A delivery from an event or a job carries a dedupe key, so a
    // repeated delivery inserts nothing.
    {4,
     [index](pqxx::work& tx) {
       create_shard_sequence(tx, "notification_seq", index);
       tx.exec(R"(CREATE TABLE notifications (
        id bigint PRIMARY KEY,
        employee_id text NOT NULL
          REFERENCES users (employee_id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type <> ''),
        title text NOT NULL,
        message text NOT NULL,
        related_id bigint,
        related_type text NOT NULL DEFAULT '',
        is_read boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        dedupe_key text UNIQUE,
        )" + epoch_column
               + ")");
       tx.exec("CREATE INDEX notifications_user"
               " ON notifications (employee_id, id)");
       tx.exec(
         "CREATE INDEX notifications_created ON notifications (created_at)");
       // Domain events, written in the transaction of the change they
       // describe; ids are this shard's commit order. Every subscriber has
       // a cursor: the events up to it were delivered to it.
       tx.exec(R"(CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        entity text NOT NULL,
        kind text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        )" + epoch_column
               + ")");
       tx.exec(R"(CREATE TABLE outbox_cursors (
        subscriber text PRIMARY KEY,
        delivered_upto bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()))");
     }},
    // 5: user analytics (spec §5 process_user_analytics_async), one row per
    // user and day on the user's shard; a rerun overwrites it. The counts
    // are sums over every shard (memberships and ledger rows live where the
    // action happened).
    {5,
     [](pqxx::work& tx) {
       tx.exec(R"(CREATE TABLE user_analytics (
        employee_id text NOT NULL
          REFERENCES users (employee_id) ON DELETE CASCADE,
        day date NOT NULL,
        parties_joined bigint NOT NULL DEFAULT 0,
        parties_hosted bigint NOT NULL DEFAULT 0,
        points_earned bigint NOT NULL DEFAULT 0,
        points_today bigint NOT NULL DEFAULT 0,
        preferences jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now(),
        )" + epoch_column
               + R"(,
        PRIMARY KEY (employee_id, day)))");
     }},
  };
}

} // namespace

void migrate_shard(pqxx::connection& conn, int32_t index) {
  // A database created as another shard must not silently take this one's
  // place: its rows would become unreachable.
  {
    pqxx::work tx{conn};
    auto exists = tx.exec("SELECT to_regclass('shard_meta') IS NOT NULL");
    if (exists[0][0].as<bool>()) {
      auto row = tx.exec("SELECT shard_index FROM shard_meta");
      if (!row.empty() && row[0][0].as<int32_t>() != index)
        throw db::domain_error(errc::invalid_argument,
                               "database " + std::string{conn.dbname()}
                                 + " is shard " + row[0][0].as<std::string>()
                                 + ", listed as shard "
                                 + std::to_string(index));
    }
    tx.commit();
  }
  db::run_migrations(conn, shard_lock, shard_steps(index));
}

} // namespace lunch
