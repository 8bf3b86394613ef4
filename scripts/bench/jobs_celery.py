#!/usr/bin/python3
"""The Celery side of the jobs benchmark: the old app's way of running jobs.

    jobs_celery.py --dsn DSN [--redis-port P | --redis-url URL]
                   [--concurrency C] [--notify N] [--noop M]
                   [--max-tasks-per-child K] [--schema NAME]
                   [--json-out FILE] [--keep-schema]

Starts a private redis-server (unless --redis-url names a running one) and a
Celery 5 worker (prefork, C processes) configured as in the old app
(jobs_celery_tasks.py), then runs two phases, each submitting its tasks as
fast as one client can (apply_async in a loop):
  notify  N send_notification tasks, one per user: one INSERT + commit each
          into <schema>.notifications of the database DSN names;
  noop    M noop tasks: Celery's dispatch overhead alone.
Every task returns the time it finished, so latency = finish - submit, and
throughput = tasks / (last finish - first submit). The notify phase also
checks that exactly N rows, one per user, were inserted.

stdout: one JSON object (see print_result); progress goes to stderr.
Exit 0 if both phases were ok, 1 if not or on error, 2 if a Debian package
is missing and we are not root to install it.

Environment: BENCH_REDIS_PORT (the default of --redis-port; otherwise a free
port in 6400-6499). Run it with Debian's /usr/bin/python3: Celery, redis-py
and psycopg2 are Debian packages (another python3 on PATH re-runs this
script with it).
"""

import argparse
import contextlib
import ctypes
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque

PACKAGES = ["python3-celery", "python3-redis", "python3-psycopg2",
            "redis-server"]
DEBIAN_PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
REDIS_PORTS = range(6400, 6500)

# The old app's defaults for a notification without a title or message.
TITLE = "Notification"
MESSAGE = "You have a new notification."


def log(msg):
    print("jobs_celery: %s" % msg, file=sys.stderr, flush=True)


class Failure(Exception):
    """An error that ends the run with a message rather than a traceback."""


# The signal that asked us to stop. A KeyboardInterrupt can be lost: Python
# raises it wherever the main thread is, and when that is a __del__ (Celery's
# AsyncResult.__del__ unsubscribes from the result channel, once per task) it
# is printed and ignored. So the loops also check this flag.
_signalled = 0


def on_signal(signum, _frame):
    global _signalled
    _signalled = signum
    raise KeyboardInterrupt


def check_signal():
    if _signalled:
        raise KeyboardInterrupt


# ---------------------------------------------------------------- setup


def parse_args():
    p = argparse.ArgumentParser(
        description="Celery + Redis peer of the jobs benchmark")
    p.add_argument("--dsn", required=True,
                   help="libpq DSN of the database for the peer's schema")
    p.add_argument("--redis-port", type=int,
                   default=int(os.environ.get("BENCH_REDIS_PORT", "0")),
                   help="port of the private redis-server to start"
                        " (default: BENCH_REDIS_PORT, else a free one in"
                        " 6400-6499)")
    p.add_argument("--redis-url",
                   help="use this running Redis (redis://HOST:PORT) instead:"
                        " db 1 as broker and db 2 as backend, as in the old"
                        " app; it is not flushed")
    p.add_argument("--concurrency", type=int, default=os.cpu_count() or 1,
                   help="worker processes (default: the number of cores)")
    p.add_argument("--notify", type=int, default=10000, metavar="N",
                   help="send_notification tasks (default 10000; 0 skips)")
    p.add_argument("--noop", type=int, default=100000, metavar="M",
                   help="noop tasks (default 100000; 0 skips)")
    p.add_argument("--max-tasks-per-child", type=int, default=1000,
                   metavar="K",
                   help="recycle a worker process after K tasks (default"
                        " 1000, as the old app; 0 = never)")
    p.add_argument("--schema", default="celery_peer",
                   help="schema for the notifications table (default"
                        " celery_peer); dropped and created afresh")
    p.add_argument("--keep-schema", action="store_true",
                   help="leave the schema and its rows at the end")
    p.add_argument("--stall-seconds", type=float, default=60,
                   help="fail a phase when no task finished for this long"
                        " (default 60)")
    p.add_argument("--json-out", metavar="FILE",
                   help="also write the JSON result to FILE")
    a = p.parse_args()
    if a.concurrency < 1 or a.notify < 0 or a.noop < 0 \
            or a.max_tasks_per_child < 0:
        p.error("--concurrency must be >= 1; counts must be >= 0")
    return a


def dpkg_installed(package):
    try:
        out = subprocess.run(["dpkg", "-s", package], capture_output=True,
                             text=True).stdout
    except FileNotFoundError:
        return False
    # dpkg -s also succeeds for a removed package whose config files remain.
    return "\nStatus: install ok installed" in "\n" + out


def ensure_packages():
    missing = [p for p in PACKAGES if not dpkg_installed(p)]
    if not missing:
        return
    line = "apt-get install -y " + " ".join(missing)
    if os.geteuid() != 0:
        log("missing Debian packages; install them with: sudo " + line)
        sys.exit(2)
    log("installing " + " ".join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y"] + missing
    if subprocess.run(cmd, env=env, stdout=sys.stderr).returncode != 0:
        # Stale package lists on a fresh image: one update, one more try.
        subprocess.run(["apt-get", "update"], env=env, stdout=sys.stderr)
        if subprocess.run(cmd, env=env, stdout=sys.stderr).returncode != 0:
            log("%s failed" % line)
            sys.exit(2)


def ensure_debian_python():
    """Re-runs this script with Debian's python3 when ours lacks Celery."""
    missing = [m for m in ("celery", "psycopg2", "redis")
               if importlib.util.find_spec(m) is None]
    if not missing:
        return
    if os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON) \
            and os.path.exists(DEBIAN_PYTHON) \
            and not os.environ.get("JOBS_CELERY_REEXEC"):
        os.environ["JOBS_CELERY_REEXEC"] = "1"
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__)]
                 + sys.argv[1:])
    raise Failure("%s cannot import %s; run this script with %s"
                  % (sys.executable, ", ".join(missing), DEBIAN_PYTHON))


def port_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # As redis-server binds: connections of an earlier run in TIME_WAIT on
    # the port do not make it busy.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def die_with_parent():
    # Children get SIGTERM if the driver is killed outright (kill -9), so a
    # dead run leaves no worker or redis behind. 1 = PR_SET_PDEATHSIG.
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))
    except (OSError, AttributeError):
        pass


def spawn(cmd, log_path, env=None, cwd=None):
    # A session of its own: a Ctrl-C in the terminal reaches only the
    # driver, which then stops the children in order.
    with open(log_path, "ab") as out:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True,
                                preexec_fn=die_with_parent)


def stop(proc, name, grace=10):
    """SIGTERM (a warm shutdown for Celery), then SIGKILL of its group.

    Stopped mid-run, billiard's pool processes may wait up to 30 s at exit
    for the main process to take their last results
    (Worker._ensure_messages_consumed); their tasks are done by then, and
    a benchmark does not need to wait for that.
    """
    if proc is None or proc.poll() is not None:
        return
    log("stopping %s (pid %d)" % (name, proc.pid))
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        log("%s did not stop within %ds; killing it" % (name, grace))
    # Its own process group (start_new_session): this also reaches the
    # prefork children if the main process left any behind.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def tail(path, lines=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def start_redis(port, work):
    if not port:
        port = next((p for p in REDIS_PORTS if port_free(p)), None)
        if port is None:
            raise Failure("no free port in 6400-6499 for redis-server")
    elif not port_free(port):
        raise Failure("port %d is in use" % port)
    path = os.path.join(work, "redis.log")
    # No persistence, as a broker on a benchmark machine needs none. No
    # limit on the pub/sub output buffer: Celery's Redis backend subscribes
    # the client to each task's result channel in apply_async (and
    # unsubscribes when the AsyncResult is dropped) without ever reading the
    # replies, so over 100 000 tasks they could pass the default limits
    # (8 MB for 60 s, or 32 MB), after which Redis would drop the connection.
    proc = spawn(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                  "--save", "", "--appendonly", "no", "--dir", work,
                  "--daemonize", "no",
                  "--client-output-buffer-limit", "pubsub 0 0 0"], path)
    import redis
    client = redis.Redis(port=port, socket_connect_timeout=1)
    deadline = time.monotonic() + 10
    while True:
        if proc.poll() is not None:
            raise Failure("redis-server exited:\n" + tail(path))
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            check_signal()
            if time.monotonic() > deadline:
                raise Failure("redis-server did not answer:\n" + tail(path))
            time.sleep(0.05)
    client.close()
    log("redis-server on port %d (pid %d)" % (port, proc.pid))
    return proc, "redis://127.0.0.1:%d" % port


NOTIFICATIONS_DDL = """
CREATE TABLE {schema}.notifications (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  employee_id text NOT NULL,
  type text NOT NULL CHECK (type <> ''),
  title text NOT NULL,
  message text NOT NULL,
  related_id bigint,
  related_type text NOT NULL DEFAULT '',
  is_read boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  dedupe_key text UNIQUE,
  epoch bigint NOT NULL DEFAULT coalesce(nullif(
    current_setting('lunch.epoch', true), '')::bigint, 0));
CREATE INDEX notifications_user ON {schema}.notifications (employee_id, id);
CREATE INDEX notifications_created ON {schema}.notifications (created_at);
"""


@contextlib.contextmanager
def cursor(dsn):
    """A cursor in one transaction on a connection of its own (psycopg2 is
    imported late: ensure_debian_python may have to install it first)."""
    import psycopg2
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def create_schema(dsn, schema):
    """A fresh copy of lunchmesh's notifications table in a schema of its own.

    Same columns and indexes as actors/shard/shard_schema.cpp, so that an insert
    costs the same; no foreign key to users (there are none here), and the
    id from an identity column. Never touches lunchmesh's own tables.
    """
    from psycopg2 import sql
    ident = sql.Identifier(schema)
    with cursor(dsn) as cur:
        cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident))
        cur.execute(sql.SQL("CREATE SCHEMA {}").format(ident))
        cur.execute(sql.SQL(NOTIFICATIONS_DDL).format(schema=ident))


def drop_schema(dsn, schema):
    from psycopg2 import sql
    with cursor(dsn) as cur:
        cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
            sql.Identifier(schema)))


def count_rows(dsn, schema):
    from psycopg2 import sql
    with cursor(dsn) as cur:
        cur.execute(sql.SQL(
            "SELECT count(*), count(DISTINCT employee_id)"
            " FROM {}.notifications").format(sql.Identifier(schema)))
        return cur.fetchone()


def start_worker(args, work, env, nodename):
    path = os.path.join(work, "worker.log")
    cmd = [sys.executable, "-m", "celery", "-A", "jobs_celery_tasks",
           "worker", "--concurrency=%d" % args.concurrency,
           "--pool=prefork", "-Q", env["JOBS_CELERY_QUEUE"], "-n", nodename,
           "--without-gossip", "--without-mingle", "--without-heartbeat",
           # Celery's default level: no log line per task.
           "--loglevel=WARNING"]
    proc = spawn(cmd, path, env=env, cwd=HERE)
    log("celery worker %s, %d processes (pid %d)"
        % (nodename, args.concurrency, proc.pid))
    return proc, path


def wait_ready(app, proc, log_path, nodename, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        check_signal()
        if proc.poll() is not None:
            raise Failure("the celery worker exited:\n" + tail(log_path))
        replies = app.control.ping(destination=[nodename], timeout=0.5)
        if any(nodename in r for r in replies):
            return
        if time.monotonic() > deadline:
            raise Failure("the celery worker did not answer a ping within"
                          " %ds:\n%s" % (timeout, tail(log_path)))


# ---------------------------------------------------------------- phases


def percentile(sorted_values, p):
    """Nearest rank, as lunchbench's bench_stats.hpp computes it."""
    if not sorted_values:
        return 0.0
    rank = int(p / 100.0 * len(sorted_values))
    return sorted_values[min(rank, len(sorted_values) - 1)]


def wait_finished(results, ids, worker, worker_log, stall_seconds):
    """The finish time each task returned, read from the result backend.

    Reads the result keys directly (MGET, oldest pending first) rather than
    through AsyncResult.get(): this costs the driver little CPU, which the
    worker needs on a small machine, and when the driver reads a result has
    no bearing on the figures anyway. Returns (finish times, failures).
    """
    n = len(ids)
    finish = [None] * n
    failed = 0
    first_error = None
    pending = deque(range(n))
    chunk = 2000
    last_progress = time.monotonic()
    next_report = time.monotonic() + 5
    while pending:
        check_signal()
        batch = [pending.popleft() for _ in range(min(chunk, len(pending)))]
        values = results.mget(["celery-task-meta-" + ids[i] for i in batch])
        waiting = []
        for i, raw in zip(batch, values):
            meta = json.loads(raw) if raw else None
            status = meta and meta.get("status")
            if status == "SUCCESS":
                finish[i] = float(meta["result"])
            elif status in ("FAILURE", "REVOKED"):
                failed += 1
                finish[i] = float("nan")
                first_error = first_error or meta.get("result")
            else:
                waiting.append(i)
        pending.extendleft(reversed(waiting))
        now = time.monotonic()
        if len(waiting) < len(batch):
            last_progress = now
        if waiting:
            if worker.poll() is not None:
                raise Failure("the celery worker exited:\n" + tail(worker_log))
            if now - last_progress > stall_seconds:
                raise Failure("no task finished for %.0f s; %d of %d pending"
                              % (stall_seconds, len(pending), n))
            time.sleep(0.1)
        if now >= next_report:
            log("  %d of %d done" % (n - len(pending), n))
            next_report = now + 5
    if first_error:
        log("  %d tasks failed; the first: %s" % (failed, first_error))
    return finish, failed


def run_phase(name, task, args_of, n, results, worker, worker_log,
              stall_seconds):
    log("phase %s: submitting %d tasks" % (name, n))
    submit = [0.0] * n
    ids = [None] * n
    for i in range(n):
        args = args_of(i)
        submit[i] = time.time()
        # The AsyncResult is dropped at once, as a web request that returns
        # the task id drops it (its __del__ unsubscribes from the result).
        ids[i] = task.apply_async(args).id
        check_signal()
    submitted = time.time()
    log("  submitted in %.2f s (%.0f/s)"
        % (submitted - submit[0], n / max(submitted - submit[0], 1e-9)))
    finish, failed = wait_finished(results, ids, worker, worker_log,
                                   stall_seconds)
    ok_finish = [f for f in finish if f == f]  # NaN marks a failed task
    latencies = sorted((f - s) * 1000.0
                       for f, s in zip(finish, submit) if f == f)
    seconds = (max(ok_finish) - submit[0]) if ok_finish else 0.0
    phase = {
        "tasks": n,
        "seconds": round(seconds, 3),
        "per_second": round(len(ok_finish) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(latencies, 50), 3),
        "p99_ms": round(percentile(latencies, 99), 3),
        "ok": failed == 0,
        "failed": failed,
        "submit_seconds": round(submitted - submit[0], 3),
    }
    log("  %s: %d tasks in %.2f s = %.0f/s, p50 %.1f ms, p99 %.1f ms%s"
        % (name, n, seconds, phase["per_second"], phase["p50_ms"],
           phase["p99_ms"], "" if failed == 0 else ", %d FAILED" % failed))
    return phase


def warm_up(app_tasks, results, worker, worker_log, concurrency):
    # Unmeasured: the pool's processes, the broker and backend connections
    # and the client's producer all exist before the first timed task.
    ids = [app_tasks.noop.apply_async().id for _ in range(4 * concurrency)]
    wait_finished(results, ids, worker, worker_log, 30)


# ---------------------------------------------------------------- main


def print_result(result, json_out):
    """The one JSON object on stdout:

    {"peer": "celery",
     "config": {"concurrency", "pool", "max_tasks_per_child", "cores",
                "celery", "kombu", "redis_py", "psycopg2", "python",
                "redis_server", "schema"},
     "notify": {"tasks", "seconds", "per_second", "p50_ms", "p99_ms", "ok",
                "failed", "submit_seconds", "rows"} or null when N = 0,
     "noop":   the same without "rows", or null when M = 0,
     "ok": true when every phase run was ok}
    seconds = last finish - first submit; per_second = tasks / seconds;
    p50/p99 of finish - submit, nearest rank; submit_seconds = the time the
    client took to submit all the tasks; rows = rows inserted (ok needs
    exactly N, one per user).
    """
    text = json.dumps(result)
    print(text, flush=True)
    if json_out:
        with open(json_out, "w") as f:
            f.write(text + "\n")


def main():
    args = parse_args()
    ensure_packages()
    try:
        ensure_debian_python()
    except Failure as e:
        log(str(e))
        return 1
    # SIGTERM (e.g. from a benchmark script's trap) unwinds like Ctrl-C, so
    # the finally below stops what we started.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    work = tempfile.mkdtemp(prefix="jobs_celery.")
    redis_proc = worker = None
    schema_made = False
    ok = False
    try:
        if args.redis_url:
            base = args.redis_url.rstrip("/")
        else:
            redis_proc, base = start_redis(args.redis_port, work)
        queue = "celery_peer_%d" % os.getpid()
        nodename = "%s@%s" % (queue, socket.gethostname())
        # No __pycache__ in the checkout, from the worker or from us.
        sys.dont_write_bytecode = True
        env = dict(os.environ,
                   PYTHONDONTWRITEBYTECODE="1",
                   JOBS_CELERY_BROKER=base + "/1",
                   JOBS_CELERY_BACKEND=base + "/2",
                   JOBS_CELERY_DSN=args.dsn,
                   JOBS_CELERY_SCHEMA=args.schema,
                   JOBS_CELERY_QUEUE=queue,
                   JOBS_CELERY_MAX_TASKS_PER_CHILD=str(
                       args.max_tasks_per_child),
                   PYTHONPATH=os.pathsep.join(
                       [HERE] + [p for p in [os.environ.get("PYTHONPATH")]
                                 if p]))
        # The client uses the same module, so it reads the same variables.
        os.environ.update(env)
        sys.path.insert(0, HERE)
        import celery
        import kombu
        import psycopg2
        import redis
        import jobs_celery_tasks as tasks

        schema_made = True  # from here on, drop it even if interrupted
        create_schema(args.dsn, args.schema)
        worker, worker_log = start_worker(args, work, env, nodename)
        wait_ready(tasks.app, worker, worker_log, nodename)
        results = redis.Redis.from_url(env["JOBS_CELERY_BACKEND"])
        warm_up(tasks, results, worker, worker_log, args.concurrency)
        log("worker ready")

        result = {
            "peer": "celery",
            "config": {
                "concurrency": args.concurrency,
                "pool": "prefork",
                "max_tasks_per_child": args.max_tasks_per_child,
                "cores": os.cpu_count(),
                "celery": celery.__version__,
                "kombu": kombu.__version__,
                "redis_py": redis.__version__,
                "psycopg2": psycopg2.__version__.split()[0],
                "python": "%d.%d.%d" % sys.version_info[:3],
                "redis_server": results.info("server")["redis_version"],
                "schema": args.schema,
            },
            "notify": None,
            "noop": None,
        }
        if args.notify:
            phase = run_phase(
                "notify", tasks.send_notification,
                lambda i: ("bench%06d" % i, TITLE, MESSAGE), args.notify,
                results, worker, worker_log, args.stall_seconds)
            rows, users = count_rows(args.dsn, args.schema)
            phase["rows"] = rows
            if rows != args.notify or users != args.notify:
                log("  expected %d rows for %d users, found %d rows for %d"
                    % (args.notify, args.notify, rows, users))
                phase["ok"] = False
            result["notify"] = phase
        if args.noop:
            result["noop"] = run_phase(
                "noop", tasks.noop, lambda i: (), args.noop, results, worker,
                worker_log, args.stall_seconds)
        ok = all(p["ok"] for p in (result["notify"], result["noop"]) if p)
        result["ok"] = ok
        print_result(result, args.json_out)
    except Failure as e:
        log(str(e))
    except KeyboardInterrupt:
        name = signal.Signals(_signalled or signal.SIGINT).name
        log("interrupted by %s" % name)
    finally:
        # A second Ctrl-C or SIGTERM must not cut the cleanup short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # Stop the worker first: it holds connections to Redis and PostgreSQL.
        stop(worker, "the celery worker")
        stop(redis_proc, "redis-server")
        if schema_made and not args.keep_schema:
            try:
                drop_schema(args.dsn, args.schema)
            except Exception as e:  # the figures are out; only say so
                log("could not drop schema %s: %s" % (args.schema, e))
        shutil.rmtree(work, ignore_errors=True)
    if _signalled:
        return 128 + _signalled
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
