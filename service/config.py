"""Settings read from the environment, so one build runs as demo, test and production."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .deadline_settings import DeadlineSettings

DEFAULT_SQLITE = Path("var") / "consortium.sqlite3"


@dataclass(frozen=True)
class Config:
    database_url: str = field(
        default_factory=lambda: os.environ.get("CONSORTIUM_DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}")
    )
    secret_key: str | None = field(default_factory=lambda: os.environ.get("CONSORTIUM_SECRET_KEY"))
    script_time_limit: float = 1.0
    echo_sql: bool = False
    deadlines: DeadlineSettings = field(default_factory=DeadlineSettings)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
