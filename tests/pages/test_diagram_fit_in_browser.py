"""The application page's diagram is readable on load, its current step centred (issue 17 item 14)."""

from __future__ import annotations

from tests.support.procedure import Walk

from .conftest import ARTIFACTS


def test_the_diagram_is_readable_on_load_with_the_current_step_centred(site):
    walk = Walk(site.ctx)
    walk.start()
    walk.prepare_and_submit()

    page = site.page_for("lead1")
    page.goto(site.url(f"/applications/{walk.instance_id}"))
    page.wait_for_selector("#diagram[data-rendered=true]")
    box = page.locator("#diagram").bounding_box()
    current = page.locator(".djs-element.current").first.bounding_box()
    assert current is not None
    # Readable: a task (100 units wide in the diagram) is drawn at least 70 px wide.
    assert current["width"] >= 70, current
    # Inside the box and centred (within a tenth of the box).
    assert box["x"] <= current["x"] and current["x"] + current["width"] <= box["x"] + box["width"]
    assert box["y"] <= current["y"] and current["y"] + current["height"] <= box["y"] + box["height"]
    centre = (current["x"] + current["width"] / 2, current["y"] + current["height"] / 2)
    assert abs(centre[0] - (box["x"] + box["width"] / 2)) <= box["width"] / 10, (centre, box)
    assert abs(centre[1] - (box["y"] + box["height"] / 2)) <= box["height"] / 10, (centre, box)
    page.locator("#diagram").screenshot(path=str(ARTIFACTS / "application-diagram-fitted.png"))
