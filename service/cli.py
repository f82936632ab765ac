"""`consortium` commands that need only the service: database, deployment, users, demo data.

`serve` and `scheduler` are added by `scheduler.cli`, which owns the clock (service/ never imports it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .actors import SYSTEM
from .audit_cli import audit_group
from .bootstrap import build_context
from .config import Config
from .engine.store import schema
from .errors import ServiceError
from .supervision_cli import supervision_group


@click.group()
def cli() -> None:
    """consortium-office: the innovation-consortium back office (创新联合体备案业务系统)."""


cli.add_command(audit_group)
cli.add_command(supervision_group)


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
    from .engine.deployments import deploy as deploy_files

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


@cli.command("extensions")
def list_extensions() -> None:
    """List the delegate and listener names diagrams may declare, and the registered hooks."""
    extensions = build_context().extensions
    for item in extensions.listing():
        click.echo(f"{item['kind']}\t{item['name']}\t{item['callable']}")
    for hook in ("service_handlers", "after_save", "may_start", "before_start", "before_complete",
                 "variable_filters", "identity_policies", "organisation_checks", "district_checks"):
        for fn in getattr(extensions, hook):
            click.echo(f"hook:{hook}\t{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', fn)}")
    for kind, fn in sorted(extensions.job_kinds.items()):
        click.echo(f"jobKind\t{kind}\t{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', fn)}")


@cli.group()
def user() -> None:
    """Users and the groups they are in."""


@user.command("add")
@click.argument("name")
@click.option("--password", required=True)
@click.option(
    "--group", "groups", multiple=True, required=True,
    help="Group (a role or any other group; created if new); repeat for several.",
)
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
    from .engine.identities import add_user

    try:
        created = add_user(
            build_context(),
            user_id=name,
            password=password,
            groups=list(groups),
            org_credit_code=org,
            district=district,
            display_name=display_name,
            create_missing_groups=True,
            actor=SYSTEM,
        )
    except ServiceError as exc:
        _fail(exc)
    for group_id in created:
        click.echo(f"group {group_id} created")
    click.echo(f"user {name} created")


@user.command("deactivate")
@click.argument("name")
def user_deactivate(name: str) -> None:
    """Deactivate user NAME: no more sign-in or API calls; their records stay."""
    _set_active(name, False)


@user.command("activate")
@click.argument("name")
def user_activate(name: str) -> None:
    """Activate user NAME again."""
    _set_active(name, True)


def _set_active(name: str, active: bool) -> None:
    from .engine.groups import set_user_active

    try:
        set_user_active(build_context(), actor=SYSTEM, user_id=name, active=active)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"user {name} {'activated' if active else 'deactivated'}")


@cli.group("group")
def group_group() -> None:
    """Groups: the eight roles and any group a diagram's candidateGroups names."""


@group_group.command("add")
@click.argument("group_id")
@click.option("--name", default=None, help="Display name (default: the id).")
@click.option("--type", "type_", default="WORKFLOW", show_default=True)
def group_add(group_id: str, name: str | None, type_: str) -> None:
    """Create group GROUP_ID."""
    from .engine.groups import create_group

    try:
        create_group(build_context(), actor=SYSTEM, group_id=group_id, name=name, type_=type_)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"group {group_id} created")


@group_group.command("list")
def group_list() -> None:
    """List groups: id, name, type, scope, members."""
    from .engine.groups import list_groups, list_users

    ctx = build_context()
    users = list_users(ctx, actor=SYSTEM)
    for g in list_groups(ctx, actor=SYSTEM):
        members = [u.id for u in users if g.id in u.groups]
        click.echo(f"{g.id}\t{g.name}\t{g.type or '-'}\t{g.scope or '-'}\t{','.join(members) or '-'}")


def _acting(login: str | None):
    """SYSTEM (an administrator), or the named user when the rule names who decides (a city clerk)."""
    if not login:
        return SYSTEM
    from .engine.identities import actor_for

    found = actor_for(build_context(), login)
    if found is None:
        click.echo(f"error: no active user {login}", err=True)
        sys.exit(2)
    return found


@cli.group("district")
def district_group() -> None:
    """The 区（市、功能区） list clerks and organisations pick from (administrators edit it)."""


@district_group.command("list")
@click.option("--all", "include_all", is_flag=True, help="Include deactivated districts.")
def district_list(include_all: bool) -> None:
    """List the districts: code, name, kind, other names, active."""
    from .consortium.districts import list_districts

    for d in list_districts(build_context(), include_inactive=include_all):
        click.echo(f"{d['code']}\t{d['name']}\t{d['kind']}\t{','.join(d['aliases'])}\t"
                   f"{'active' if d['active'] else 'inactive'}")


@district_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--kind", type=click.Choice(["district", "county_city", "function_zone"]), required=True)
@click.option("--alias", "aliases", multiple=True, help="Another name for the same area; repeat.")
@click.option("--order", "sort_order", type=int, default=0)
def district_add(code: str, name: str, kind: str, aliases: tuple[str, ...], sort_order: int) -> None:
    """Add district CODE named NAME."""
    from .consortium.districts import add_district

    try:
        add_district(build_context(), actor=SYSTEM, code=code, name=name, kind=kind, aliases=list(aliases),
                     sort_order=sort_order)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"district {code} {name} added")


@district_group.command("set")
@click.argument("code")
@click.option("--alias", "aliases", multiple=True, help="Replace the other names; repeat.")
@click.option("--active/--inactive", default=None)
@click.option("--order", "sort_order", type=int, default=None)
def district_set(code: str, aliases: tuple[str, ...], active: bool | None, sort_order: int | None) -> None:
    """Change district CODE: other names, whether it is offered, order."""
    from .consortium.districts import update_district

    try:
        update_district(build_context(), actor=SYSTEM, code=code, aliases=list(aliases) or None,
                        active=active, sort_order=sort_order)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"district {code} updated")


@cli.group("org")
def org_group() -> None:
    """The organisation register (name, credit code, category, district)."""


@org_group.command("list")
@click.option("--pending", is_flag=True, help="Only organisations pending verification.")
def org_list(pending: bool) -> None:
    """List registered organisations."""
    from .consortium.organisations import list_organisations

    for o in list_organisations(build_context(), actor=SYSTEM, verification="pending" if pending else None):
        click.echo(f"{o['creditCode']}\t{o['name']}\t{o['category']}\t{o['district'] or '-'}\t"
                   f"{o['verification']}")


@org_group.command("register")
@click.argument("credit_code")
@click.argument("name")
@click.option(
    "--category", type=click.Choice(["enterprise", "university", "institute", "other"]), required=True
)
@click.option("--district", default=None, help="A name from `consortium district list` (Qingdao units).")
@click.option(
    "--reason", default=None, help="Confirmation reason (enterprise-coded institute, check character)."
)
@click.option("--as", "login", default=None, help="Act as this clerk (default: the system administrator).")
def org_register(credit_code: str, name: str, category: str, district: str | None, reason: str | None,
                 login: str | None) -> None:
    """Register organisation CREDIT_CODE named NAME."""
    from .consortium.organisations import register_organisation

    try:
        register_organisation(build_context(), actor=_acting(login), credit_code=credit_code, name=name,
                              category=category, district=district, confirmation_reason=reason)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"organisation {credit_code} registered")


@org_group.command("verify")
@click.argument("credit_code")
@click.option("--reason", default=None)
@click.option("--district", default=None)
@click.option("--as", "login", default=None, help="Act as this clerk (default: the system administrator).")
def org_verify(credit_code: str, reason: str | None, district: str | None, login: str | None) -> None:
    """Verify a pending organisation (or confirm a category its code does not show)."""
    from .consortium.organisations import confirm_organisation

    try:
        confirm_organisation(build_context(), actor=_acting(login), credit_code=credit_code, reason=reason,
                             district=district)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"organisation {credit_code} verified")


@org_group.command("override-lead")
@click.argument("credit_code")
@click.option("--reason", required=True)
@click.option("--as", "login", required=True, help="The city clerk who decides (audited under this name).")
def org_override_lead(credit_code: str, reason: str, login: str) -> None:
    """Let CREDIT_CODE lead although its code fails 我市独立注册的企业 (guideline 四（一）1)."""
    from .consortium.organisations import override_lead_check

    try:
        override_lead_check(build_context(), actor=_acting(login), credit_code=credit_code, reason=reason)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"organisation {credit_code} may lead: override recorded")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Deploy the bundled diagrams and create the demo organisations and users."""
    from .consortium.demo import open_demo_round, seed

    config = Config()
    schema.upgrade(config.database_url)
    ctx = build_context(config)
    created = seed(ctx)
    round_name = open_demo_round(ctx)
    staged = seed_applications(config)  # applications at every stage, once (issue 17 item 2)
    click.echo(f"demo data ready ({len(created)} new users; password demo1234)")
    for item in staged:
        click.echo(f"  {item['number']}  {item['stage']:<20} {item['name']}")
    if round_name:
        click.echo(f"opened the submission round {round_name}")


def seed_applications(config: Config) -> list[dict[str, str]]:
    """Applications at every stage (consortium/demo_stages.py), on a clock of their own starting four
    years back, over the same database; once: a database already holding applications is left alone."""
    from datetime import UTC, datetime, timedelta

    from .clock import MovableClock
    from .consortium.demo_stages import already_seeded
    from .consortium.demo_stages import seed_applications as seed_stages

    now = datetime.now(UTC)
    clock = MovableClock(now - timedelta(days=4 * 365))
    ctx = build_context(config, clock=clock)
    try:
        return [] if already_seeded(ctx) else seed_stages(ctx, clock, now)
    finally:
        ctx.db.dispose()


@cli.group("calendar")
def calendar_group() -> None:
    """Working-day calendar (holidays and adjusted working days 调休)."""


@calendar_group.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def calendar_load(file: Path) -> None:
    """Load one year's arrangement from FILE: lines `DATE[..DATE] holiday|workday NAME`."""
    from .engine.calendar import load_year

    try:
        text = file.read_text(encoding="utf-8")
        loaded = load_year(build_context(), text=text, source=file.name, actor=SYSTEM)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"{loaded.year}: {loaded.holidays} holidays, {loaded.adjusted_workdays} adjusted working days")


@calendar_group.command("sync-package")
def calendar_sync_package() -> None:
    """Load the years the installed chinesecalendar package knows and the database does not."""
    from .engine.calendar import load_package_years

    years = load_package_years(build_context(), actor=SYSTEM)
    click.echo(f"loaded {', '.join(map(str, years))}" if years else "nothing new in the package")


@calendar_group.command("years")
def calendar_years() -> None:
    """List the years the calendar knows."""
    from .engine.calendar import known_years

    years = known_years(build_context())
    click.echo(f"{years[0]}–{years[-1]} ({len(years)} years)" if years else "no year loaded")


def _fail(exc: ServiceError) -> None:
    click.echo(f"error: {exc}", err=True)
    for field, messages in getattr(exc, "fields", {}).items():
        click.echo(f"  {field}: {messages}", err=True)
    sys.exit(2)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
