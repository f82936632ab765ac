"""The consortium page's support measures and progress reports, and the dashboard's increased-support list
(issue 14 items 10, 11): each form offered to the role that does it, bad input shown beside the field."""

from __future__ import annotations

import re

from service.consortium.store.supervision_models import ProgressReport, SupportMeasure
from tests.http.test_idempotency import count, signed_in, tokens
from tests.supervision.support import consortium, filed_consortium
from tests.supervision.test_evaluations import evaluate, open_round

MEASURE = {"kind": "scenario", "name": "港口自动化示范应用场景", "level": "city", "amount_wan": "",
           "granted_on": "2026-06-01", "note": ""}


def test_the_city_records_a_measure_and_the_lead_reports_progress_on_the_page(ctx, server, clock):
    _, cid = filed_consortium(ctx, clock)
    page = f"/registry/{cid}"
    city, lead, district = (signed_in(server, u) for u in ("city1", "lead1", "district1"))
    measures, reports = f"/registry/{cid}/support-measures", f"/registry/{cid}/progress-reports"
    lead_html, city_html = lead.get(page).text, city.get(page).text
    assert f'action="{reports}"' in lead_html and f'action="{measures}"' not in lead_html
    assert f'action="{measures}"' in city_html and f'action="{reports}"' not in city_html
    assert "政策支持" in city_html and "每 6 个月报送一次建设进展" in city_html
    assert 'name="mode"' in lead_html  # the project form asks the mode (公开竞争, 专项组织, 揭榜挂帅)

    form = {**tokens(city.get(page).text, measures), **MEASURE, "amount_wan": "many"}
    bad = city.post(measures, data=form)
    assert bad.status_code == 422 and 'id="err-amount_wan"' in bad.text
    assert count(ctx, SupportMeasure) == 0
    form = {**tokens(city.get(page).text, measures), **MEASURE}
    done = city.post(measures, data=form, allow_redirects=False)
    assert done.status_code == 303 and count(ctx, SupportMeasure) == 1
    assert "港口自动化示范应用场景" in lead.get(page).text and "应用场景" in lead.get(page).text

    short = lead.post(reports, data={**tokens(lead.get(page).text, reports), "summary": "无"})
    assert short.status_code == 422 and 'id="err-summary"' in short.text and count(ctx, ProgressReport) == 0
    text = "本期完成关键部件联合攻关，形成专利两项。"
    sent = lead.post(reports, data={**tokens(lead.get(page).text, reports), "summary": text},
                     allow_redirects=False)
    assert sent.status_code == 303 and count(ctx, ProgressReport) == 1
    assert text in district.get(page).text and text in city.get(page).text


def test_the_dashboard_lists_consortia_for_increased_support(ctx, server, clock):
    _, cid = filed_consortium(ctx, clock)
    city = signed_in(server, "city1")
    board = city.get("/dashboard").text
    assert 'id="increased-support"' in board and f'data-consortium="{cid}"' not in board
    evaluate(ctx, open_round(ctx, cid), 95)
    board = city.get("/dashboard").text
    listed = re.search(r'id="increased-support">(.*?)</section>', board, re.S).group(1)
    assert f'data-consortium="{cid}"' in listed and consortium(ctx, consortium_id=cid).name in listed
    assert 'id="increased-support"' in city.get(f"/registry/{cid}").text
