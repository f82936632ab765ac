"""Plausible State Council holiday arrangements for 2027–2029 (not published yet: made up in that shape
from the lunar festival dates), written as the files `consortium calendar load FILE` reads."""

from __future__ import annotations

from pathlib import Path

ARRANGEMENTS = {
    2027: [
        ("2027-01-01..2027-01-03", "holiday", "元旦"),
        ("2027-02-05..2027-02-13", "holiday", "春节"),
        ("2027-02-20", "workday", "春节"),
        ("2027-04-03..2027-04-05", "holiday", "清明节"),
        ("2027-05-01..2027-05-05", "holiday", "劳动节"),
        ("2027-05-08", "workday", "劳动节"),
        ("2027-06-09", "holiday", "端午节"),
        ("2027-09-15", "holiday", "中秋节"),
        ("2027-09-26", "workday", "国庆节"),
        ("2027-10-01..2027-10-07", "holiday", "国庆节"),
        ("2027-10-09", "workday", "国庆节"),
    ],
    2028: [
        ("2028-01-01..2028-01-03", "holiday", "元旦"),
        ("2028-01-22", "workday", "春节"),
        ("2028-01-25..2028-02-02", "holiday", "春节"),
        ("2028-04-02..2028-04-04", "holiday", "清明节"),
        ("2028-05-01..2028-05-05", "holiday", "劳动节"),
        ("2028-05-06", "workday", "劳动节"),
        ("2028-05-27..2028-05-29", "holiday", "端午节"),
        ("2028-09-30", "workday", "国庆节、中秋节"),
        ("2028-10-01..2028-10-08", "holiday", "国庆节、中秋节"),
    ],
    2029: [
        ("2029-01-01", "holiday", "元旦"),
        ("2029-02-10", "workday", "春节"),
        ("2029-02-12..2029-02-20", "holiday", "春节"),
        ("2029-02-24", "workday", "春节"),
        ("2029-04-04..2029-04-06", "holiday", "清明节"),
        ("2029-04-28", "workday", "劳动节"),
        ("2029-05-01..2029-05-05", "holiday", "劳动节"),
        ("2029-06-16..2029-06-18", "holiday", "端午节"),
        ("2029-09-22..2029-09-24", "holiday", "中秋节"),
        ("2029-09-29", "workday", "国庆节"),
        ("2029-10-01..2029-10-07", "holiday", "国庆节"),
        ("2029-10-13", "workday", "国庆节"),
    ],
}


def write_arrangement(folder: Path, year: int) -> Path:
    lines = [f"# {year} 年节假日安排（测试用，依农历推算）"]
    lines += [f"{days} {kind} {name}" for days, kind, name in ARRANGEMENTS[year]]
    path = folder / f"{year}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
