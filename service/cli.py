"""`consortium` commands that need only the service: database, deployment, users, demo data.

`serve` and `scheduler` are added by `scheduler.cli`, which owns the clock (service/ never imports it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .actors import SYSTEM
from .config import Config
from .context import build_context
from .errors import ServiceError
from .store import schema


@click.group()
def cli() -> None:
    """consortium-office: the innovation-consortium back office (创新联合体备案业务系统)."""


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the latest version (CONSORTIUM_DATABASE_URL)."""
    config = Config()
    schema.upgrade(config.database_url)
    click.echo(f"database at head: {_safe_url(config.database_url)}")


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--name", default="cli", help="Deployment name.")
def deploy(files: tuple[Path, ...], name: str) -> None:
    """Deploy BPMN FILES (a new version only for changed processes)."""
    from .usecases.deployments import deploy as deploy_files

    ctx = build_context()
    try:
        result = deploy_files(
            ctx, files={f.name: f.read_bytes() for f in files}, actor=SYSTEM, name=name, source="cli"
        )
    except ServiceError as exc:
        _fail(exc)
    for definition in result.created:
        click.echo(f"deployed {definition.key} version {definition.version} ({definition.id})")
    for definition in result.unchanged:
        click.echo(f"unchanged {definition.key} version {definition.version}")


@cli.group()
def user() -> None:
    """Users and their roles."""


@user.command("add")
@click.argument("name")
@click.option("--password", required=True)
@click.option("--group", "groups", multiple=True, required=True, help="Role; repeat for several.")
@click.option("--org", "org", default=None, help="Unified social credit code of the organisation.")
@click.option("--district", default=None)
@click.option("--display-name", default=None)
def user_add(
    name: str,
    password: str,
    groups: tuple[str, ...],
    org: str | None,
    district: str | None,
    display_name: str | None,
) -> None:
    """Create user NAME."""
    from .usecases.identities import add_user

    try:
        add_user(
            build_context(),
            user_id=name,
            password=password,
            groups=list(groups),
            org_credit_code=org,
            district=district,
            display_name=display_name,
            actor=SYSTEM,
        )
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"user {name} created")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Deploy the bundled diagrams and create the demo organisations and users."""
    from .usecases.demo import seed

    config = Config()
    schema.upgrade(config.database_url)
    created = seed(build_context(config))
    click.echo(f"demo data ready ({len(created)} new users; password demo1234)")


def _fail(exc: ServiceError) -> None:
    click.echo(f"error: {exc}", err=True)
    for field, messages in getattr(exc, "fields", {}).items():
        click.echo(f"  {field}: {messages}", err=True)
    sys.exit(2)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
