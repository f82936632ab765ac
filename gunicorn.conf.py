"""gunicorn's settings, read by `gunicorn 'service:create_app()'` run from this folder (issue 18).

Workers and threads follow the database (service/config.py `web_processes`): on SQLite one worker
process with 4 threads, since SQLite has one writer per file and writers of one process queue on a lock
while writers of several processes poll with sleeps; on PostgreSQL CONSORTIUM_WEB_WORKERS (2) x
CONSORTIUM_WEB_THREADS (4). Each worker's PostgreSQL pool keeps as many connections as it has threads
(CONSORTIUM_DB_POOL_SIZE, unless set), so the installation holds workers x threads connections.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from service.config import web_processes  # noqa: E402

workers, threads = web_processes()
worker_class = "gthread"


def on_starting(server) -> None:
    """Warn when a command line asks for several worker processes on SQLite."""
    url = os.environ.get("CONSORTIUM_DATABASE_URL", "sqlite")
    if url.startswith("sqlite") and server.cfg.workers > 1:
        server.log.warning("SQLite: %d worker processes wait on each other's writes with sleeps; run one"
                           " worker with threads (README, Running several processes)", server.cfg.workers)


def post_fork(server, worker) -> None:
    """Size the worker's connection pool to its threads unless CONSORTIUM_DB_POOL_SIZE says otherwise,
    and let waiting long polls hold at most half of them (none with one thread) unless
    CONSORTIUM_LONG_POLL_WAITERS says otherwise: from the threads this worker really has, `--threads`
    on the command line included. Runs before the worker imports the app."""
    if not os.environ.get("CONSORTIUM_DB_POOL_SIZE"):
        os.environ["CONSORTIUM_DB_POOL_SIZE"] = str(server.cfg.threads)
    if not os.environ.get("CONSORTIUM_LONG_POLL_WAITERS"):
        os.environ["CONSORTIUM_LONG_POLL_WAITERS"] = str(server.cfg.threads // 2)



def post_worker_init(worker) -> None:
    """The worker built its app: keep that heap out of the collector's full passes (service/heap.py)."""
    from service.heap import freeze_startup_heap

    freeze_startup_heap()
