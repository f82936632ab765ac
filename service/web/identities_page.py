"""/admin/identities (issue 15 item 2): administrators list users and groups, create a group and put a
user into a group or take them out, deactivate or activate a user; the same use cases as /engine-rest/user
and /group. 404 for anyone else."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from ..actors import ADMIN
from ..engine import groups
from ..errors import Conflict, InvalidInput, NotFound
from .common import actor, context, login_required
from .i18n import t

bp = Blueprint("web_identities", __name__)


def _admin_only() -> None:
    if not actor().has(ADMIN):
        raise NotFound("页面不存在 / No such page")


def _page(values: dict[str, str], errors: dict, status: int = 200, form: str | None = None):
    ctx = context()
    users = groups.list_users(ctx, actor=actor())
    rows = groups.list_groups(ctx, actor=actor())
    members = {g.id: [u.id for u in users if g.id in u.groups] for g in rows}
    return render_template("admin_identities.html", users=users, groups=rows, members=members,
                           values=values, errors=errors, form=form), status


def _forget_credentials() -> None:
    """Users or memberships changed: API clients' remembered Basic checks (service/api/credentials.py,
    kept on the app) are dropped, so the change holds from the next request in this process."""
    cache = current_app.extensions.get("consortium.credentials")
    if cache is not None:
        cache.clear()


def _values() -> dict[str, str]:
    return {k: (request.form.get(k) or "").strip() for k in request.form if k not in ("csrf_token", "idem")}


@bp.get("/admin/identities")
@login_required
def index():
    _admin_only()
    return _page({}, {})


@bp.post("/admin/identities/groups")
@login_required
def create_group():
    _admin_only()
    values = _values()
    try:
        groups.create_group(context(), actor=actor(), group_id=values.get("group_id", ""),
                            name=values.get("name") or None, type_="WORKFLOW")
    except (InvalidInput, Conflict) as exc:
        return _page(values, {"_": [str(exc)], **getattr(exc, "fields", {})},
                     422 if isinstance(exc, InvalidInput) else 409, "group")
    flash(t("ident_group_created"), "ok")
    return redirect(url_for("web_identities.index"), code=303)


@bp.post("/admin/identities/members")
@login_required
def add_member():
    _admin_only()
    values = _values()
    try:
        groups.add_member(context(), actor=actor(), group_id=values.get("group_id", ""),
                          user_id=values.get("user_id", ""))
    except (InvalidInput, NotFound) as exc:
        return _page(values, {"_": [str(exc)], **getattr(exc, "fields", {})},
                     422 if isinstance(exc, InvalidInput) else 404, "member")
    _forget_credentials()
    flash(t("ident_member_added"), "ok")
    return redirect(url_for("web_identities.index"), code=303)


@bp.post("/admin/identities/members/remove")
@login_required
def remove_member():
    _admin_only()
    values = _values()
    try:
        groups.remove_member(context(), actor=actor(), group_id=values.get("group_id", ""),
                             user_id=values.get("user_id", ""))
    except (NotFound, Conflict) as exc:
        return _page(values, {"_": [str(exc)]}, 404 if isinstance(exc, NotFound) else 409, "member")
    _forget_credentials()
    flash(t("ident_member_removed"), "ok")
    return redirect(url_for("web_identities.index"), code=303)


@bp.post("/admin/identities/users/<user_id>/active")
@login_required
def set_active(user_id: str):
    _admin_only()
    active = request.form.get("active") == "true"
    try:
        groups.set_user_active(context(), actor=actor(), user_id=user_id, active=active)
    except (NotFound, Conflict) as exc:
        return _page({}, {"_": [str(exc)]}, 404 if isinstance(exc, NotFound) else 409, "member")
    _forget_credentials()
    flash(t("ident_user_activated" if active else "ident_user_deactivated"), "ok")
    return redirect(url_for("web_identities.index"), code=303)
