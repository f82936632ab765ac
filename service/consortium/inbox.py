"""The inbox: open tasks by view (mine, my groups', unassigned, overdue, due soon, all), searched,
filtered, sorted and paged in SQL, with the counts of every view; scoped to what the caller may see."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..actors import EXPERT, Actor
from ..context import Context
from ..engine.store import identities as identity_store
from ..errors import InvalidInput
from ..safe_json import said
from .store import inbox
from .store.inbox import (
    CLAIM_FILTERS,
    DEFAULT_PAGE_SIZE,
    DUE_FILTERS,
    MAX_PAGE_SIZE,
    SORTS,
    VIEWS,
    Declaration,
    InboxFilter,
    InboxRow,
)

__all__ = [
    "CLAIM_FILTERS", "DUE_FILTERS", "MAX_PAGE_SIZE", "SORTS", "VIEWS",
    "Declaration", "Inbox", "InboxFilter", "InboxRow", "list_inbox", "parse_filter",
]
MAX_TEXT = 100
_ROUND = re.compile(r"^\d{4}$")
_UNSAFE = re.compile(r"[\x00\ud800-\udfff]")


@dataclass
class Inbox:
    """One page of a view: `rows`, `total` rows in the view under the filters, the `counts` of every
    view (the tabs), the values each filter offers, and an expert's `declarations` still to sign
    (work without a task, shown first on the first page of "mine" and "all" and counted there)."""

    rows: list[InboxRow]
    total: int
    counts: dict[str, int]
    filters: InboxFilter
    options: dict[str, list] = field(default_factory=dict)
    declarations: list[Declaration] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    """Display names of the owners and delegates of the delegated tasks on the page."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.filters.size))


def _bad(name: str, reason: str) -> InvalidInput:
    return InvalidInput(f"请求参数无效 / Invalid parameter {name}: {reason}", {name: [reason]})


def _choice(args: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    value = args.get(name) or default
    if value is not None and value not in allowed:
        raise _bad(name, f"须为 {', '.join(allowed)} 之一 / must be one of {', '.join(allowed)}")
    return value


def _text(args: Mapping[str, str], name: str) -> str | None:
    value = (args.get(name) or "").strip()
    if len(value) > MAX_TEXT:
        raise _bad(name, f"最长 {MAX_TEXT} 个字符 / at most {MAX_TEXT} characters")
    if _UNSAFE.search(value):
        raise _bad(name, "含有无法保存的字符 / holds a NUL byte or a lone surrogate")
    return value or None


def _round(args: Mapping[str, str], name: str) -> str | None:
    value = _text(args, name)
    if value and not _ROUND.match(value):
        raise _bad(name, "须为四位年份 / must be a four-digit year")
    return value


def _int(args: Mapping[str, str], name: str, default: int, highest: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    if not re.fullmatch(r"\d{1,10}", raw) or not 1 <= int(raw) <= highest:
        raise _bad(name, f"须为 1 至 {highest} 的整数 / must be a whole number from 1 to {highest}")
    return int(raw)


def parse_filter(args: Mapping[str, str]) -> InboxFilter:
    """An InboxFilter from query parameters (`view`, `q`, `round`, `district`, `step`, `industry`,
    `due`, `claimed`, `sort`, `order`=asc|desc, `page` >= 1, `size` 1..100); empty values mean "any".

    Raises:
        InvalidInput: values outside their list or range, naming every such parameter in `fields` at once.
    """
    errors: dict[str, list[str]] = {}

    def read(parse, name: str, *rest):
        try:
            return parse(args, name, *rest)
        except InvalidInput as exc:
            errors.update(exc.fields)
            return None

    values = {
        "view": read(_choice, "view", VIEWS, "mine"),
        "q": read(_text, "q"),
        "round": read(_round, "round"),
        "district": read(_text, "district"),
        "step": read(_text, "step"),
        "industry": read(_text, "industry"),
        "due": read(_choice, "due", DUE_FILTERS, None),
        "claimed": read(_choice, "claimed", CLAIM_FILTERS, None),
        "sort": read(_choice, "sort", SORTS, "due"),
        "order": read(_choice, "order", ("asc", "desc"), "asc"),
        "page": read(_int, "page", 1, 10**9),
        "size": read(_int, "size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    }
    if errors:
        raise InvalidInput(said("请求参数无效 / Invalid parameters", errors), errors)
    order = values.pop("order")
    return InboxFilter(**values, descending=order == "desc")


def list_inbox(ctx: Context, *, actor: Actor, filters: InboxFilter, options: bool = True) -> Inbox:
    """One page of a view with the counts of every view, all under the same filters and the caller's
    scope (`visible_filter`); `options=False` skips the filters' value lists (the API has no use for them)."""
    now = ctx.now()
    with ctx.unit_of_work(write=False) as uow:
        rows, total = inbox.list_rows(uow.session, actor, filters, now)
        counts = inbox.count_views(uow.session, actor, filters, now)
        declarations = _declarations(uow.session, actor, filters)
        for view in ("mine", "all"):
            counts[view] += len(declarations)
        return Inbox(
            rows=rows,
            total=total + (len(declarations) if filters.view in ("mine", "all") else 0),
            counts=counts,
            filters=filters,
            options=inbox.filter_options(uow.session, actor) if options else {},
            declarations=declarations if filters.view in ("mine", "all") and filters.page == 1 else [],
            names=identity_store.display_names(
                uow.session,
                [u for r in rows if r.task.delegation_state for u in (r.task.owner, r.task.assignee)],
            ),
        )


def _declarations(session, actor: Actor, f: InboxFilter) -> list[Declaration]:
    """An expert's declarations to sign, unless a filter that no declaration can match is set."""
    if not actor.has(EXPERT) or f.round or f.district or f.industry or f.due:
        return []
    if f.claimed not in (None, "me") or (f.step and f.step != "declaration"):
        return []
    return inbox.pending_declarations(session, actor.id, f.q)
