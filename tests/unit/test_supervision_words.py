"""Every project level and credit-record type the supervision pages offer has Chinese and English words."""

from __future__ import annotations

from service.consortium.supervision.integrity import RECORD_TYPES
from service.consortium.supervision.projects import LEVELS
from service.web.i18n import CATALOGUE


def test_levels_and_record_types_are_named_in_both_languages():
    for key in [f"sup.level.{code}" for code in LEVELS] + [f"sup.type.{code}" for code in RECORD_TYPES]:
        zh, en = CATALOGUE[key]
        assert zh and en and zh != en, key
    assert CATALOGUE["sup.type.judicial_referral"][0] == RECORD_TYPES["judicial_referral"]
    assert CATALOGUE["sup.level.provincial"][0] == LEVELS["provincial"]
