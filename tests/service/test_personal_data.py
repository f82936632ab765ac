"""personal_data's masking rules without a server (tester-owner findings 1-2)."""

from __future__ import annotations

import json

import pytest

from service.engine import personal_data as pd
from service.errors import InvalidInput

ID = "11010519491231002X"


def test_numbers_lists_and_json_text_under_an_identifier_key_are_masked():
    shown = pd.masked_variables({
        "mobile": 13800138000, "list_phone": ["13711112222", 13711113333],
        "contact": {"phone": 13912345678.0, "name": "x"},
        "payload": json.dumps({"office_phone": "053212345678", "n": 1}),
        "flag_phone": True, "none_mobile": None,
    })
    assert shown["mobile"] == "1380***8000"
    assert shown["list_phone"] == ["1371***2222", "1371***3333"]
    assert shown["contact"] == {"phone": "1391***5678", "name": "x"}
    assert json.loads(shown["payload"]) == {"office_phone": "0532****5678", "n": 1}
    assert shown["flag_phone"] is True and shown["none_mobile"] is None


def test_copies_are_masked_wherever_they_appear():
    secrets = pd.secrets_in({"id_number": ID, "mobile": 13800138000})
    shown = pd.masked_variables({"a": " ".join(ID), "b": f"ID {ID.lower()}!", "c": 13800138000,
                                 "d": [f"x{ID}"], "e": "unrelated 12345", "f": 7}, secrets)
    assert shown == {"a": "1 1 0 1 * * * * * * * * * * 0 0 2 X", "b": "ID 1101**********002x!",
                     "c": "1380***8000", "d": ["x1101**********002X"], "e": "unrelated 12345", "f": 7}
    assert pd.mask_text(f"KeyError: '{ID}'", secrets) == "KeyError: '1101**********002X'"


def test_short_and_placeholder_identifiers_are_not_searched_for():
    assert pd.secrets_in({"phone": "110", "mobile": "000000", "x_phone": 123456}) == {"123456"}


def test_a_masked_value_written_back_keeps_the_stored_one_and_a_forgery_is_refused():
    stored = {"mobile": 13800138000, "contact": {"phone": 13912345678}, "id_number": ID, "note": f"ID {ID}"}
    read = pd.masked_variables(stored)
    assert pd.restore_masked(stored, read) == stored
    with pytest.raises(InvalidInput):
        pd.restore_masked(stored, {"mobile": "1380***0000"})
