"""Dates in every form seen on the forms: 2019年03月15日, 2019-03-15, 2019.3.15, 2019/3/15, 二〇一九年三月十五日,
2019年3月 (month only), 20190315. dateparser is the fallback for anything else."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "o": 0, "Ｏ": 0}
_FULL = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")
_MONTH = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*月?(?!\s*\d)")
_COMPACT = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)")
_CN_DATE = re.compile(r"([〇零○一二三四五六七八九Ｏ]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月(?:\s*([一二三四五六七八九十]{1,3})\s*日)?")


def _cn_int(s: str) -> int:
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
    return int("".join(str(_CN_DIGIT[c]) for c in s))


def _mk(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str | None) -> dt.date | None:
    """The first full date in `text` (None if none or not a real date)."""
    if not text:
        return None
    s = unicodedata.normalize("NFKC", str(text))
    m = _FULL.search(s)
    if m:
        if "年" in m.group() and not m.group().rstrip().endswith("日") and not s[m.end():].lstrip().startswith("日"):
            if not s[m.end():].strip() or s[m.end():].lstrip()[:1] in "(（[":
                return None      # '2025年8月2' at the end of the text: the day was cut short
        return _mk(int(m[1]), int(m[2]), int(m[3]))
    m = _CN_DATE.search(str(text))
    if m and m[3]:
        return _mk(_cn_int(m[1]), _cn_int(m[2]), _cn_int(m[3]))
    m = _COMPACT.search(s)
    if m:
        return _mk(int(m[1]), int(m[2]), int(m[3]))
    year = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", s)
    if year and not _MONTH.search(s):   # dateparser only for texts that carry their own 4-digit year
        try:
            import dateparser
            d = dateparser.parse(s, languages=["zh", "en"], settings={"STRICT_PARSING": True})
            return d.date() if d and d.year == int(year.group()) else None
        except Exception:  # dateparser is a best-effort fallback
            return None
    return None


def parse_month(text: str | None) -> str | None:
    """'YYYY-MM' from 2025年1月 / 2025-01 / 2025.1 / 二〇二五年一月."""
    if not text:
        return None
    s = unicodedata.normalize("NFKC", str(text))
    m = _FULL.search(s) or _MONTH.search(s)
    if m and 1 <= int(m[2]) <= 12:
        return f"{int(m[1]):04d}-{int(m[2]):02d}"
    m = _CN_DATE.search(str(text))
    if m:
        return f"{_cn_int(m[1]):04d}-{_cn_int(m[2]):02d}"
    return None


def find_dates(text: str) -> list[dt.date]:
    s = unicodedata.normalize("NFKC", text or "")
    out = [d for m in _FULL.finditer(s) if (d := _mk(int(m[1]), int(m[2]), int(m[3])))]
    out += [d for m in _CN_DATE.finditer(text or "") if m[3] and (d := _mk(_cn_int(m[1]), _cn_int(m[2]), _cn_int(m[3])))]
    return out
