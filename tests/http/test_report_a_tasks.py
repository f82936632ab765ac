"""Hostile tester A's findings 6, 7, 10, 11 and 12, over a running server."""

from __future__ import annotations

import json

from tests.support.procedure import FORMS, MEMBER_LOGINS, MEMBERS, Walk


def typed(values: dict) -> dict:
    """Form values as Camunda's typed variables (objects and lists as Json)."""
    return {
        name: {"value": json.dumps(value, ensure_ascii=False), "type": "Json"}
        if isinstance(value, (dict, list)) else {"value": value}
        for name, value in values.items()
    }


def test_engine_rest_completion_takes_a_boolean_or_true_false_text_only(ctx, server):
    """Finding 6: "yes" or 1 for a tick box of a built-in form is a 400 naming the field (bilingual)."""
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    login = MEMBER_LOGINS[MEMBERS[0]["credit_code"]]
    member = server.client(login)
    [task] = member.rest("GET", f"/task?processInstanceId={walk.instance_id}&taskDefinitionKey="
                                "Task_ConfirmMembership").json()
    lenient = ({"value": "yes"}, {"value": 1}, {"value": "on", "type": "String"},
               {"value": 1, "type": "Integer"})
    for bad in lenient:
        variables = typed(FORMS["Task_ConfirmMembership"])
        variables["integrity_commitment"] = bad
        refused = member.rest("POST", f"/task/{task['id']}/complete", json={"variables": variables})
        assert refused.status_code == 400, (bad, refused.text)
        message = refused.json()["message"]
        assert "integrity_commitment" in message and "true" in message and " / " in message, message
    variables = typed(FORMS["Task_ConfirmMembership"])
    variables["integrity_commitment"] = {"value": "true", "type": "String"}
    done = member.rest("POST", f"/task/{task['id']}/complete", json={"variables": variables})
    assert done.status_code == 204, done.text
