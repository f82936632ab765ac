"""Filling task forms in the browser as a user would: open the task from the inbox, type, submit."""

from __future__ import annotations

from typing import Any

from tests.support.procedure import STEP_ACTORS


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Form data to the page's dotted field names (tables by row, lists of words one per line)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, row in enumerate(value):
                out.update(flatten(row, f"{name}.{i}."))
        elif isinstance(value, list):
            out[name] = "\n".join(str(v) for v in value)
        else:
            out[name] = value
    return out


def fill(page, data: dict[str, Any]) -> None:
    for name, value in flatten(data).items():
        field = page.locator(f'[name="{name}"]')
        kind = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind == "input:checkbox":
            field.set_checked(bool(value))
        elif kind.startswith("select"):
            field.select_option("true" if value is True else "false" if value is False else str(value))
        else:
            field.fill(str(value))


def open_task(site, login: str, element_id: str):
    """Go to the inbox as `login` and open the (first) task of step `element_id` shown there."""
    page = site.page_for(login)
    page.goto(site.url(f"/?view=all&step={element_id}"))
    page.locator(f'tr[data-element="{element_id}"] a.button').first.click()
    page.wait_for_selector("form button[value=complete]")
    return page


def submit(page) -> None:
    with page.expect_navigation():
        page.click("button[value=complete]")


def complete(site, element_id: str, data: dict[str, Any], login: str | None = None):
    """Complete one task through its page; asserts the page accepted it (no error summary)."""
    page = open_task(site, login or STEP_ACTORS[element_id], element_id)
    fill(page, data)
    submit(page)
    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()
    return page
