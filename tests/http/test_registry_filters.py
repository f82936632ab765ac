"""The registry's filters match what the list shows (issue 17 item 12): part of a name, a district
picked from the district list, an industry picked by its name."""

from __future__ import annotations

import re

import sqlalchemy as sa

from service.consortium.store.models import Consortium, District
from tests.http.test_idempotency import signed_in
from tests.support.procedure import Walk

NAME = "青岛高端智能装备创新联合体"


def _rows(html: str) -> str:
    return re.search(r'<table class="grid" id="registry">(.*?)</table>', html, re.S).group(1)


def test_registry_filters_by_part_of_a_name_and_by_district_from_the_list(server):
    walk = Walk(server.ctx)
    walk.start()
    walk.prepare_and_submit()
    with server.ctx.unit_of_work(write=False) as uow:
        district = uow.session.scalar(
            sa.select(Consortium.district).where(Consortium.application_no == walk.business_key))
        other = uow.session.scalar(sa.select(District.name).where(District.name != district).limit(1))
    assert district and other
    city = signed_in(server, "city1")

    page = city.get("/registry").text
    for option in (district, other):
        assert f'<option value="{option}"' in page  # the district is picked from the list, not typed
    assert 'name="district" value=' not in page

    assert walk.business_key in _rows(city.get("/registry", params={"name": "智能装备"}).text)
    assert walk.business_key in _rows(city.get("/registry", params={"name": walk.business_key[-4:]}).text)
    assert walk.business_key not in _rows(city.get("/registry", params={"name": "生物医药"}).text)
    assert walk.business_key in _rows(city.get("/registry", params={"district": district}).text)
    assert walk.business_key not in _rows(city.get("/registry", params={"district": other}).text)
    assert NAME in _rows(city.get("/registry", params={"industry": "XX-05"}).text)
