"""统一社会信用代码 (GB 32100-2015) with its embedded organisation code (GB 11714-1997)."""
from __future__ import annotations

import unicodedata
import re

from stdnum.cn import uscc as _uscc

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def compact(code: str) -> str:
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(code))).upper()


def org_code_ok(code: str) -> bool:
    """Positions 9-17 are a GB 11714 organisation code with its own check character."""
    body, check = code[8:16], code[16]
    try:
        total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_WEIGHTS))
    except ValueError:
        return False
    r = 11 - total % 11
    return check == ("X" if r == 10 else "0" if r == 11 else str(r))


def uscc_problem(code: str | None) -> str | None:
    """None when valid, else a short Chinese reason."""
    if not code:
        return None
    c = compact(code)
    if len(c) != 18:
        return f"长度为{len(c)}位，应为18位"
    try:
        _uscc.validate(c)
    except Exception as e:  # stdnum's InvalidLength / InvalidFormat / InvalidChecksum
        name = type(e).__name__
        return {"InvalidChecksum": "校验码错误", "InvalidFormat": "含非法字符"}.get(name, "格式错误")
    if not org_code_ok(c):
        return "内含组织机构代码校验码错误"
    return None


def is_valid(code: str | None) -> bool:
    return bool(code) and uscc_problem(code) is None


def region(code: str | None) -> str | None:
    """Positions 3-8: the registering authority's administrative division code."""
    c = compact(code or "")
    return c[2:8] if len(c) == 18 and c[2:8].isdigit() else None
