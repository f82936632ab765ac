"""`consortium` entry point: the service commands plus `serve`, `scheduler` and `demo` (the clock's)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading

import click

from service import create_app
from service.bootstrap import build_context
from service.cli import cli, seed_demo
from service.config import Config
from service.heap import freeze_startup_heap

from .runner import JobRunner


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Serve only; run `consortium scheduler` separately.")
def serve(host: str, port: int, no_scheduler: bool) -> None:
    """Serve the web app and API, with the deadline scheduler in-process."""
    ctx = build_context(Config())
    app = create_app(ctx.config, ctx=ctx)
    runner = None if no_scheduler else JobRunner(ctx)
    if runner:
        runner.start()
    freeze_startup_heap()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # SIGTERM stops like Ctrl-C: through `finally`
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        if runner:
            _finish(runner)


def _exit_on_sigterm(*_) -> None:
    raise SystemExit(0)


def _finish(runner: JobRunner) -> None:
    """Stop the runner within its timeout; a tick still blocked (say on a database lock) must not keep the
    process alive: leave at once, the database rolls its transaction back and the job stays due."""
    if not runner.stop():
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(0)


@cli.command("scheduler")
@click.option("--interval", default=30.0, show_default=True, help="Safety interval in seconds.")
def run_scheduler(interval: float) -> None:
    """Run the deadline scheduler alone (any number may run against one database)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for chatty in ("spiff", "apscheduler"):  # one line per task state change is noise in a long-running clock
        logging.getLogger(chatty).setLevel(logging.WARNING)
    runner = JobRunner(build_context(Config()), safety_interval=interval)
    runner.start()
    freeze_startup_heap()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    click.echo("scheduler running; Ctrl-C to stop")
    stop.wait()
    _finish(runner)
    click.echo("scheduler stopped")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.pass_context
def demo(click_ctx: click.Context, host: str, port: int) -> None:
    """Create the database, deploy the diagrams, seed demo users, then serve."""
    click_ctx.invoke(seed_demo)
    click.echo(f"open http://{host}:{port}/health — demo users are listed in README.md")
    click_ctx.invoke(serve, host=host, port=port, no_scheduler=False)


def main() -> None:
    cli()


if __name__ == "__main__":  # `python -m scheduler.cli …` works like the `consortium` command
    main()
