"""Each member unit gives the integrity commitment (诚信承诺书) when it confirms (issue 13 item 5): the
letter's text beside a tick box on its confirmation task, refused without it, stored with the application (its
task record and a letter PDF registered for /verify), shown per unit in the case file."""

from __future__ import annotations

import pytest

from forms.confirm_membership import MEMBER_COMMITMENT
from service.errors import InvalidInput
from tests.support.procedure import FORMS, MEMBER_LOGINS, MEMBERS, Walk

from .test_documents import check_pdf
from .test_panel_opinion_document import signed_in

SIGNER = FORMS["Task_ConfirmMembership"]["commitment_signer"]


def test_each_member_confirms_the_commitment_and_the_case_file_shows_it_per_unit(ctx, server):
    walk = Walk(ctx)
    walk.start()
    for step in ("Task_Initiate", "Task_InviteMembers"):
        walk.do(step)
    first = MEMBER_LOGINS[MEMBERS[0]["credit_code"]]
    [task] = walk.tasks_of(first, "Task_ConfirmMembership")
    page = signed_in(server, first).get(f"/tasks/{task.id}").text
    assert MEMBER_COMMITMENT in page and 'name="integrity_commitment"' in page

    with pytest.raises(InvalidInput) as refused:
        walk.do("Task_ConfirmMembership", {"integrity_commitment": False, "commitment_signer": ""}, first)
    assert {"integrity_commitment", "commitment_signer"} <= set(refused.value.fields)
    walk.confirm_all_members(decline=MEMBER_LOGINS[MEMBERS[-1]["credit_code"]])

    city = signed_in(server, "city1")
    text = city.get(f"/casefile/{walk.business_key}").text
    table = text[text.index('id="cf-member-commitments"'):]
    table = table[:table.index("</table>")]
    for member in MEMBERS[:-1]:
        assert f'data-code="{member["credit_code"]}"' in table and member["name"] in table
    assert MEMBERS[-1]["credit_code"] not in table  # the unit that declined committed to nothing
    assert SIGNER in table and MEMBER_COMMITMENT in text

    code = MEMBERS[0]["credit_code"]
    response = city.get(f"/casefile/{walk.business_key}/commitment/{code}.pdf")
    check_pdf(server, response, walk.business_key, "诚信承诺书", "成员单位", MEMBERS[0]["name"], SIGNER)
    assert city.get(f"/casefile/{walk.business_key}/commitment/{MEMBERS[-1]['credit_code']}.pdf"
                    ).status_code == 404
