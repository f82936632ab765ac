"""One rule for every cell a spreadsheet export writes: text never becomes a formula.

OWASP "CSV Injection": a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
Excel, LibreOffice and WPS as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`, `@SUM(...)`), so a
consortium or unit name chosen by an applicant could run in a clerk's spreadsheet. Such a cell gets a
leading single quote, which every spreadsheet shows as text. Every CSV and XLSX export passes its text
cells through `neutralise_cell`.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> str:
    """The cell's text, with a leading `'` when it starts like a formula (None becomes "").

    Source of the rule: OWASP CSV Injection (https://owasp.org/www-community/attacks/CSV_Injection).
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
