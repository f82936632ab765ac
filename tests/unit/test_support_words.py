"""Every project mode and support-measure kind the consortium page offers (issue 14 item 10) has Chinese
words matching the use case's and English words."""

from __future__ import annotations

from service.consortium.supervision.projects import MODES
from service.consortium.supervision.support_measures import KINDS
from service.web.i18n import CATALOGUE


def test_modes_and_kinds_are_named_in_both_languages():
    for prefix, names in (("sup.mode", MODES), ("sup.kind", KINDS)):
        for code, chinese in names.items():
            zh, en = CATALOGUE[f"{prefix}.{code}"]
            assert zh == chinese and en and zh != en, code
