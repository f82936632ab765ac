"""Well-formed unified social credit codes for the rules tests (GB 32100 check character computed)."""

from __future__ import annotations

from forms.checks import uscc_check_char


def uscc(first17: str) -> str:
    """`first17` with its check character appended."""
    return first17 + uscc_check_char(first17)


BEIJING_COMPANY = uscc("91110108MA01ABCD1")  # registered in 海淀区, Beijing (110108)
QINGDAO_UNIVERSITY = uscc("12370200MB1234567")  # a public institution registered in Qingdao
QINGDAO_COMPANY = uscc("91370212MA3C99887")  # a Qingdao enterprise (崂山区)
QINGDAO_COMPANY_2 = uscc("91370214MA3C99776")
RD_INSTITUTE_COMPANY = uscc("91370213MA3C55443")  # a 新型研发机构 registered as a company
SOCIAL_INSTITUTE = uscc("52370200MJ0012345")  # 民办非企业单位: a private research institute
