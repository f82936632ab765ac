"""The engine asks the domain through registered hooks, never by import (issue 19, Known exceptions).

The same use case behaves as the consortium domain says when the domain is plugged in, and as a bare
BPMN back office when it is not (`build_context(plugins=())`).
"""

from __future__ import annotations

import pytest

from service.actors import SYSTEM
from service.bootstrap import build_context
from service.config import Config
from service.engine import identities
from service.errors import InvalidInput

UNREGISTERED = "91370200MA3XXXXXX9"


def test_a_user_of_an_unregistered_organisation_is_refused_by_the_domain_register(ctx):
    with pytest.raises(InvalidInput) as refused:
        identities.add_user(ctx, user_id="newlead", password="long-enough-1", groups=["applicant"],
                            org_credit_code=UNREGISTERED, actor=SYSTEM)
    assert "org" in refused.value.fields and UNREGISTERED in refused.value.fields["org"][0]


def test_without_the_domain_no_register_is_consulted(database_url, clock):
    bare = build_context(Config(database_url=database_url), clock=clock, plugins=())
    try:
        identities.add_user(bare, user_id="someone", password="long-enough-1", groups=["applicant"],
                            org_credit_code=UNREGISTERED, actor=SYSTEM)
        assert identities.actor_for(bare, "someone").org_credit_code == UNREGISTERED
    finally:
        bare.db.dispose()
