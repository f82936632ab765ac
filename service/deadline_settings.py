"""Deadline settings (publicity rule, reminders, escalation, retries, SMTP), read from the environment.

The publicity rule is configuration, not code: bureaus differ (5 working days; 7 calendar days; both), and
the notice records the rule it was computed with.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

WORKING, CALENDAR = "working", "calendar"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _env_ints(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    value = os.environ.get(name)
    return tuple(int(v) for v in value.split(",") if v.strip()) if value else default


@dataclass(frozen=True)
class PublicityRule:
    """Length in working or calendar days, at least `min_calendar_days`, counted from the day after."""

    length: int = 5
    unit: str = WORKING
    min_calendar_days: int = 7

    def __post_init__(self) -> None:
        if self.unit not in (WORKING, CALENDAR):
            raise ValueError(f"publicity unit must be {WORKING!r} or {CALENDAR!r}, not {self.unit!r}")
        if self.length < 1 or self.min_calendar_days < 0:
            raise ValueError("publicity length must be at least 1 day")

    @classmethod
    def from_env(cls) -> PublicityRule:
        return cls(
            length=_env_int("CONSORTIUM_PUBLICITY_DAYS", 5),
            unit=os.environ.get("CONSORTIUM_PUBLICITY_UNIT") or WORKING,
            min_calendar_days=_env_int("CONSORTIUM_PUBLICITY_MIN_CALENDAR_DAYS", 7),
        )

    def describe(self) -> str:
        working = self.unit == WORKING
        unit_zh, unit_en = ("个工作日", "working days") if working else ("个自然日", "calendar days")
        text_zh = f"自发布次日起 {self.length} {unit_zh}"
        text_en = f"{self.length} {unit_en} from the day after publication"
        if self.min_calendar_days:
            text_zh += f"，且不少于 {self.min_calendar_days} 个自然日"
            text_en += f", at least {self.min_calendar_days} calendar days"
        return f"{text_zh} / {text_en}"


@dataclass(frozen=True)
class DeadlineSettings:
    publicity: PublicityRule = field(default_factory=PublicityRule.from_env)
    validity_reminder_days: tuple[int, ...] = field(
        default_factory=lambda: _env_ints("CONSORTIUM_VALIDITY_REMINDER_DAYS", (90, 30, 7))
    )
    progress_report_months: int = field(  # 七（一）: a progress report from the lead unit every N months
        default_factory=lambda: max(1, _env_int("CONSORTIUM_PROGRESS_MONTHS", 6))
    )
    escalation_working_days: int = field(
        default_factory=lambda: _env_int("CONSORTIUM_ESCALATION_WORKING_DAYS", 3)
    )
    job_retries: int = field(default_factory=lambda: _env_int("CONSORTIUM_JOB_RETRIES", 3))
    retry_backoff_seconds: tuple[int, ...] = field(
        default_factory=lambda: _env_ints("CONSORTIUM_JOB_BACKOFF_SECONDS", (60, 300, 1500))
    )
    smtp_host: str | None = field(default_factory=lambda: os.environ.get("CONSORTIUM_SMTP_HOST") or None)
    smtp_port: int = field(default_factory=lambda: _env_int("CONSORTIUM_SMTP_PORT", 25))
    smtp_from: str = field(
        default_factory=lambda: os.environ.get("CONSORTIUM_SMTP_FROM") or "noreply@consortium.invalid"
    )

    def backoff(self, attempt: int) -> int:
        """Seconds before retry number `attempt` (1-based); the last figure repeats."""
        steps = self.retry_backoff_seconds or (60,)
        return steps[min(attempt, len(steps)) - 1]
