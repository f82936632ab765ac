"""Settings read from the environment, so one build runs as demo, test and production."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .bureau_settings import BureauSettings
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
    bureau: BureauSettings = field(default_factory=BureauSettings)  # who issues documents (notices)
    # Sign-in throttle (failed passwords; `limits` notation): per account and per client address.
    login_limit_account: str = field(
        default_factory=lambda: os.environ.get("CONSORTIUM_LOGIN_LIMIT_ACCOUNT", "10 per 5 minutes")
    )
    login_limit_address: str = field(
        default_factory=lambda: os.environ.get("CONSORTIUM_LOGIN_LIMIT_ADDRESS", "30 per 5 minutes")
    )
    # Public objections accepted per client address (breakit F11; `limits` notation).
    objection_limit_address: str = field(
        default_factory=lambda: os.environ.get("CONSORTIUM_OBJECTION_LIMIT_ADDRESS", "5 per hour")
    )
    # Where per-installation files live (the generated secret key): CONSORTIUM_INSTANCE_DIR, else the
    # folder of the SQLite file, else var/ (relative to the working directory, like the default database).
    instance_dir: Path | None = field(
        default_factory=lambda: Path(os.environ["CONSORTIUM_INSTANCE_DIR"])
        if os.environ.get("CONSORTIUM_INSTANCE_DIR")
        else None
    )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def instance_folder(self) -> Path:
        """The folder for per-installation files (see `instance_dir`)."""
        if self.instance_dir is not None:
            return self.instance_dir
        if self.is_sqlite:
            database = self.database_url.split("///", 1)[-1]
            if database and database != ":memory:":
                return Path(database).parent
        return DEFAULT_SQLITE.parent
