"""`consortium audit verify`: check the audit trail's chains and signed checkpoints from the shell."""

from __future__ import annotations

import sys

import click

from .bootstrap import build_context


@click.group("audit")
def audit_group() -> None:
    """Audit trail (tamper evidence)."""


@audit_group.command("verify")
@click.option("--no-checkpoint", is_flag=True, help="Only check; do not sign the intact stream heads.")
@click.option("--verbose", "-v", is_flag=True, help="One line per stream, not only the broken ones.")
def audit_verify(no_checkpoint: bool, verbose: bool) -> None:
    """Verify every audit stream against its hash chain and its signed checkpoints.

    Exits 0 when the trail is intact, 1 when anything was found (each finding names the stream, the
    event's seq and row id), 2 when the check could not run (e.g. a misconfigured key).
    """
    from .engine.audit_trail import verify_trail

    try:
        report = verify_trail(build_context(), checkpoint=not no_checkpoint)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    broken = [s for s in report.streams if not s.ok]
    for stream in report.streams if verbose else broken:
        state = "ok" if stream.ok else "BROKEN"
        click.echo(
            f"{state:6} {stream.stream}  events={stream.events} last_seq={stream.last_seq} "
            f"anchored_seq={stream.anchored_seq} unanchored={stream.unanchored}"
        )
    for problem in report.all_problems:
        click.echo(f"  {problem}")
    click.echo(
        f"{'OK' if report.ok else 'TAMPERED'}: {len(report.streams)} stream(s), {report.events} event(s), "
        f"{len(broken)} broken, {len(report.all_problems)} problem(s); "
        f"{report.checkpointed} checkpoint(s) signed"
    )
    sys.exit(0 if report.ok else 1)
