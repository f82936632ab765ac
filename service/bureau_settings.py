"""The issuing bureau as its documents name it (publicity notice, filing notice, certificate), from the
environment; the defaults are the demo's values (Qingdao Municipal Science and Technology Bureau)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


@dataclass(frozen=True)
class BureauSettings:
    """Who issues the documents and whom the public calls (CONSORTIUM_BUREAU_* variables)."""

    name: str = field(default_factory=lambda: _env("CONSORTIUM_BUREAU_NAME", "青岛市科学技术局"))
    department: str = field(
        default_factory=lambda: _env("CONSORTIUM_BUREAU_DEPARTMENT", "青岛市科学技术局成果转化处")
    )
    address: str = field(
        default_factory=lambda: _env("CONSORTIUM_BUREAU_ADDRESS", "青岛市市南区香港中路76号")
    )
    contact_phone: str = field(default_factory=lambda: _env("CONSORTIUM_CONTACT_PHONE", "0532-85911234"))
    supervision_phone: str = field(
        default_factory=lambda: _env("CONSORTIUM_SUPERVISION_PHONE", "0532-85915678")
    )
    public_url: str = field(
        default_factory=lambda: _env("CONSORTIUM_PUBLIC_URL", "http://127.0.0.1:8080")
    )
