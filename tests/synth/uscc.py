"""统一社会信用代码 (GB 32100-2015) with the embedded GB 11714 organisation-code check."""
from __future__ import annotations

import random

from stdnum.cn import uscc as _std

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"          # GB 32100 characters (no I O S V Z)
_ORG_W = (3, 7, 9, 10, 5, 8, 4, 2)

# region digits (positions 3-8) of the Jiangmen districts and some outside cities
REGIONS = {"江门市": "440700", "蓬江区": "440703", "江海区": "440704", "新会区": "440705",
           "台山市": "440781", "开平市": "440783", "鹤山市": "440784", "恩平市": "440785"}
OUTSIDE = {"中山市": "442000", "佛山市": "440604", "东莞市": "441900", "广州市": "440106", "珠海市": "440402"}


def _val(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def org_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    c = 11 - sum(_val(ch) * w for ch, w in zip(body8, _ORG_W)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def check_char(first17: str) -> str:
    return _std.calc_check_digit(first17 + "0")


def is_valid(code: str) -> bool:
    """Both checks: GB 32100 check character and GB 11714 organisation-code check."""
    if not _std.is_valid(code):
        return False
    org = code[8:17]
    return org_check(org[:8]) == org[8]


def make(rng: random.Random, region: str, category: str = "1", letters: bool = False) -> str:
    """A valid code: 9 + category + region + org code (8 + check) + check char.

    letters=True gives the post-2015 style 'MA…' organisation part (e.g. 91440704MA8ARTLA2T)."""
    while True:
        if letters:
            body = "MA" + "".join(rng.choice(ALPHABET) for _ in range(6))
        else:
            body = "".join(rng.choice("0123456789") for _ in range(8))
            if body[0] == "0":
                continue
        oc = org_check(body)
        if oc not in ALPHABET:
            continue
        first17 = "9" + category + region + body + oc
        return first17 + check_char(first17)


def corrupt(rng: random.Random, code: str) -> str:
    """Same code with a wrong check character (or a broken org-code check digit)."""
    if rng.random() < 0.5:
        bad = [c for c in ALPHABET if c != code[17]]
        return code[:17] + rng.choice(bad)
    # break the GB 11714 check digit but keep the GB 32100 check character consistent
    for c in rng.sample(list("0123456789"), 10):
        if c != code[16]:
            first17 = code[:16] + c
            cand = first17 + check_char(first17)
            if not is_valid(cand):
                return cand
    return code[:17] + ("0" if code[17] != "0" else "1")


def same_region_other(rng: random.Random, code: str) -> str:
    """A different valid code with the same category and region digits."""
    while True:
        c = make(rng, code[2:8], code[1], letters=code[8:10] == "MA")
        if c != code:
            return c
