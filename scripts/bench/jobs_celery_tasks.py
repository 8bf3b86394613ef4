"""The old app's Celery setup, for the Celery side of the jobs benchmark.

The worker runs this module (`celery -A jobs_celery_tasks worker`), and
jobs_celery.py imports it to submit the tasks. It copies the old app's
configuration (spec §5), except that the URLs and the database come from the
environment, so that the benchmark uses a private Redis and PostgreSQL:

    JOBS_CELERY_BROKER    broker URL, e.g. redis://127.0.0.1:6400/1
    JOBS_CELERY_BACKEND   result backend URL, e.g. redis://127.0.0.1:6400/2
    JOBS_CELERY_DSN       libpq DSN of the database that holds the table
    JOBS_CELERY_SCHEMA    the peer's schema in it (default celery_peer)
    JOBS_CELERY_QUEUE     the queue the tasks go to (default celery_peer)
    JOBS_CELERY_MAX_TASKS_PER_CHILD   default 1000 as in the old app; 0 = never

Both tasks return time.time() at their end: the driver computes latencies from
the moment a task finished, not from when it happened to poll the result.
"""

import os
import time

import psycopg2
from psycopg2 import sql
from celery import Celery
from celery.signals import worker_process_init


def _env(name):
    value = os.environ.get(name)
    if not value:
        # Celery would otherwise fall back to its default broker (AMQP on
        # localhost) and fail later with an unrelated-looking error.
        raise RuntimeError("jobs_celery_tasks: %s is not set" % name)
    return value


QUEUE = os.environ.get("JOBS_CELERY_QUEUE", "celery_peer")
SCHEMA = os.environ.get("JOBS_CELERY_SCHEMA", "celery_peer")

app = Celery("lunch_app", broker=_env("JOBS_CELERY_BROKER"),
             backend=_env("JOBS_CELERY_BACKEND"))
app.conf.update(
    # As in the old app (spec §5).
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    timezone="Asia/Seoul",
    enable_utc=True,
    task_track_started=True,   # one more backend write (STARTED) per task
    task_time_limit=1800,
    task_soft_time_limit=1500,
    worker_prefetch_multiplier=1,
    worker_max_tasks_per_child=int(
        os.environ.get("JOBS_CELERY_MAX_TASKS_PER_CHILD", "1000")) or None,
    # A queue of its own, so that a shared Redis cannot feed it other work.
    task_default_queue=QUEUE,
)

# The columns of lunchmesh's shard table (actors/shard/shard_schema.cpp), minus
# foreign key to users; the id comes from an identity column instead of
# lunchmesh's slot-encoded sequence. The old app wrote notifications with
# type 'general'.
_INSERT = sql.SQL(
    "INSERT INTO {}.notifications (employee_id, type, title, message)"
    " VALUES (%s, 'general', %s, %s)").format(sql.Identifier(SCHEMA))

_conn = None


def _connection():
    """This process's connection: opened once, reused by every task."""
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg2.connect(_env("JOBS_CELERY_DSN"))
    return _conn


@worker_process_init.connect
def _connect_at_fork(**_):
    # Connect when the pool forks the process rather than in its first task,
    # so that no measured task pays for it. (A connection opened before the
    # fork would be shared by all children.) With max_tasks_per_child every
    # replacement child connects here again, as the old app's did.
    _connection()


@app.task(name="jobs_celery_tasks.send_notification")
def send_notification(user_id, title, message):
    """One notification, committed on its own.

    The old app's send_bulk_notifications_async sent the whole bulk in one
    task (one insert per user, a single commit); the issue asks for one task
    per user, i.e. one insert and one commit per task.
    """
    global _conn
    conn = _connection()
    try:
        with conn.cursor() as cur:
            cur.execute(_INSERT, (user_id, title, message))
        conn.commit()
    except psycopg2.OperationalError:
        # A broken connection: the next task reconnects. No retries, as in
        # the old app: the task fails.
        conn.close()
        _conn = None
        raise
    except Exception:
        conn.rollback()
        raise
    return time.time()


@app.task(name="jobs_celery_tasks.noop")
def noop():
    """Nothing but Celery's own cost per task."""
    return time.time()
