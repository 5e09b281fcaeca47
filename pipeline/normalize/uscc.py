"""Unified social credit codes (GB 32100-2015) via python-stdnum, with the embedded GB 11714 org-code check
and OCR-confusion repair."""
from __future__ import annotations

import itertools
import re
import unicodedata

from stdnum.cn import uscc as _uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"        # GB 32100 character set (no I O S V Z)
# registration authority (1st char) → allowed entity type chars (2nd char); GB 32100 table 1
AUTHORITY_TYPES = {"1": "1239", "2": "19", "3": "12345679", "4": "129", "5": "1239", "6": "129", "7": "129",
                   "8": "19", "9": "123", "A": "19", "B": "19", "C": "19", "D": "12", "E": "1", "F": "1239",
                   "G": "129", "N": "1239", "Y": "1"}
# OCR look-alikes: what a misread character may really be
CONFUSIONS = {"B": "8", "8": "B", "L": "1"}                   # both sides valid: tried, kept only if unique
_SAFE = {"O": "0", "I": "1", "Z": "2", "S": "5"}                 # chars never valid in a code
_DIGIT_ONLY = {"B": "8", "L": "1", "G": "6", "D": "0", "Q": "0", "U": "0", "T": "7"}  # region code is digits
USCC_RE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")
REGNO_RE = re.compile(r"(?<!\d)\d{13}(?:\d{2})?(?!\d)")   # old 注册号: 15 digits (or 13)


def compact(raw: str) -> str:
    s = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"[\s\-–—_.·]", "", s).upper()


def org_check_char(org8: str) -> str:
    """GB 11714 organisation code check character for the first 8 characters."""
    val = [int(c) if c.isdigit() else ord(c) - 55 for c in org8]
    c = 11 - sum(v * w for v, w in zip(val, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def check_uscc(code: str) -> tuple[bool, str | None]:
    """(valid, reason). Valid = GB 32100 format + check character. The org-code check is reported, not fatal
    (older codes issued to 个体工商户 use a non-GB 11714 segment)."""
    c = compact(code)
    if len(c) != 18:
        return False, "长度不是18位"
    if any(ch not in ALPHABET for ch in c):
        return False, "含非法字符"
    if c[0] not in AUTHORITY_TYPES or c[1] not in AUTHORITY_TYPES[c[0]] + "9":
        return False, "登记管理部门码或机构类别码无效"
    if not c[2:8].isdigit():
        return False, "行政区划码不是数字"
    if c[17] != _uscc.calc_check_digit(c[:17]):
        return False, "校验码不符"
    return True, None


def is_valid_uscc(code: str) -> bool:
    return check_uscc(code)[0]


def org_code_ok(code: str) -> bool:
    c = compact(code)
    o = c[8:17]
    if len(o) != 9 or not all(ch.isdigit() or "A" <= ch <= "Z" for ch in o[:8]):
        return False
    return org_check_char(o[:8]) == o[8]


# check characters the recogniser reads as a glyph with fewer strokes: 0 for a round letter whose box ends flush
# with its curve; F for a serif P whose bowl or E whose foot is faint (…119P read …119F on a 200-dpi 表二 photo)
FAINT_CHECK = {"0": "CDGQU", "F": "PE"}


def repair_uscc(raw: str, max_changes: int = 2, ocr: bool = False) -> tuple[str | None, str | None]:
    """(code, note). A valid code comes back unchanged (note None). Otherwise OCR confusions
    (O/0, I/l/1, Z/2, S/5, B/8 …) are tried and a repair is accepted only when exactly one candidate makes the
    check character valid (preferring one that also passes the org-code check); on a typed code (not `ocr`)
    only letters the code's alphabet never holds are repaired. With `ocr` (the code was
    read off an image), a check character read 0 where the code's own check is a round letter (C D G Q U) is
    that letter (91440784659715063C and 91440703986053271C were read …0 on two fresh scanned 表二), one read F
    where it is P or E is that letter (FAINT_CHECK).
    (None, reason) if not repairable."""
    c = compact(raw)
    if len(c) != 18:
        return None, f"长度{len(c)}位，非18位"
    if is_valid_uscc(c):
        return c, None
    base = "".join(_SAFE.get(ch, ch) for ch in c)
    base = base[:2] + "".join(_DIGIT_ONLY.get(ch, ch) for ch in base[2:8]) + base[8:]
    forced = [f"{a}→{b}" for a, b in zip(c, base) if a != b]
    if is_valid_uscc(base):
        return base, "OCR修正 " + "、".join(forced)
    if ocr and base[17] in FAINT_CHECK and all(ch in ALPHABET for ch in base[:17]):
        check = _uscc.calc_check_digit(base[:17])
        if check in FAINT_CHECK[base[17]] and is_valid_uscc(base[:17] + check):
            return base[:17] + check, "OCR修正 " + "、".join(forced + [f"第18位{base[17]}→{check}"])
    if not ocr:
        # typed (a text layer): a character the code's alphabet holds is what the applicant typed (8 is not a
        # misread B there); only letters the alphabet never holds (O, I, S, V, Z) were certain repairs above
        return None, "校验码不符"
    positions = [i for i, ch in enumerate(base) if ch in CONFUSIONS]
    found: list[tuple[str, list[int]]] = []
    for k in range(1, max_changes + 1):
        for combo in itertools.combinations(positions, k):
            cand = list(base)
            for i in combo:
                cand[i] = CONFUSIONS[base[i]]
            s = "".join(cand)
            if is_valid_uscc(s):
                found.append((s, list(combo)))
        if found:
            break
    if len(found) > 1:
        good = [f for f in found if org_code_ok(f[0])]
        found = good if len(good) == 1 else found
    if len(found) != 1:
        return None, "校验码不符，无法唯一修正" if found else "校验码不符"
    s, combo = found[0]
    notes = forced + [f"第{i + 1}位{base[i]}→{s[i]}" for i in combo]
    return s, "OCR修正 " + "、".join(notes)


def find_usccs(text: str) -> list[str]:
    """Valid (or uniquely repairable) credit codes in free text, in order, no repeats (to tell whose a page is:
    read off an image or typed, a look-alike is repaired when that alone makes the code valid)."""
    out: list[str] = []
    for m in USCC_RE.finditer(unicodedata.normalize("NFKC", text or "")):
        code, _ = repair_uscc(m.group(), ocr=True)
        if code and code not in out:
            out.append(code)
    return out
