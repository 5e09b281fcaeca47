"""Money: 大写 (壹佰贰拾捌万元整, 人民币伍拾万元, 叁仟元伍角陆分) and digits (1,234.56 / １２３４ / 128万元)."""
from __future__ import annotations

import re
import unicodedata
import warnings

import cn2an

_CN_NUM = "零〇○一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億两貮点"
_CN_RUN = re.compile(f"[{_CN_NUM}]+")
_NUM = re.compile(r"[-+]?\d[\d,，]*(?:\.\d+)?")
CURRENCIES = ("美元", "港元", "港币", "欧元", "日元", "英镑")


def _cn(s: str) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(cn2an.cn2an(s.replace("萬", "万").replace("億", "亿").replace("貮", "贰"), "smart"))


_MIXED_SEP = re.compile(r"^([-(（]?)(\d{1,3})((?:[.,，]\d{3})+)[.,，](\d{2})([)）]?)$")


def repair_separators(text: str) -> tuple[str, str | None]:
    """An amount whose separators OCR confused (44,804.646.58, 2.407,200.86): statements print groups of three
    and two decimals, so the form makes the reading certain. Returns (text, repair note or None)."""
    s = unicodedata.normalize("NFKC", text).replace(" ", "")
    m = _MIXED_SEP.match(s)
    if not m:
        return text, None
    fixed = f"{m[1]}{m[2]}{re.sub(r'[.,，]', ',', m[3])}.{m[4]}{m[5]}"
    return (fixed, f"千分位分隔符 {s}→{fixed}") if fixed != s else (text, None)


def parse_number(text: str | None) -> float | None:
    """A plain number: full-width digits, thousands separators, (负数) and trailing units tolerated."""
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", str(text)).replace(" ", "")
    neg = bool(re.match(r"^\(.*\)$", s)) or s.startswith("-")
    m = _NUM.search(s)
    if not m:
        return None
    num = m.group().replace(",", "").replace("，", "").lstrip("+-")
    try:
        v = float(num)
    except ValueError:
        return None
    return -v if neg else v


def parse_amount_cn(text: str | None) -> tuple[float | None, str | None]:
    """(value in yuan (or the currency's unit), unit as written: '万元' | '元' | '万美元' …).
    Handles 人民币 prefix, 圆/元, 角, 分, 整/正, 万/亿, digits with 万元."""
    if not text:
        return None, None
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"^(?:注册资本|注册资金|出资额)[:：]?", "", s)
    s = s.replace("人民币", "").replace("(人民币)", "").replace("圆", "元")
    cur = next((c for c in CURRENCIES if c in s), None)
    digits = re.search(r"(\d[\d,，]*(?:\.\d+)?)\s*(亿|万)?\s*(" + "|".join(CURRENCIES) + r"|元)?", s)
    if digits and not _CN_RUN.fullmatch(digits.group(1)):
        v = parse_number(digits.group(1))
        if v is None:
            return None, None
        mult = {"亿": 1e8, "万": 1e4}.get(digits.group(2) or "", 1.0)
        unit = (digits.group(2) or "") + (cur or "元")
        return round(v * mult, 2), unit
    # 大写: split off 角/分 after 元
    m = re.search(f"([{_CN_NUM}]+)(?:元|{'|'.join(CURRENCIES)})?(?:([{_CN_NUM}])角)?(?:([{_CN_NUM}])分)?", s)
    if not m:
        return None, None
    try:
        v = _cn(m.group(1))
        if m.group(2):
            v += _cn(m.group(2)) / 10
        if m.group(3):
            v += _cn(m.group(3)) / 100
    except (ValueError, KeyError, TypeError):
        return None, None
    unit = ("万" if "万" in m.group(1) or "萬" in m.group(1) else "") + (cur or "元")
    return round(v, 2), unit


def wan(text: str | float | None, default_unit: str = "元") -> float | None:
    """An amount in 万元. Text with its own unit (万元 / 元 / 大写) is converted; a bare number is read in
    `default_unit` ('元' or '万元')."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return round(float(text) / (1e4 if default_unit == "元" else 1), 6)
    s = unicodedata.normalize("NFKC", str(text))
    if re.fullmatch(r"\s*[-+]?[\d,，]+(?:\.\d+)?\s*", s):
        v = parse_number(s)
        return None if v is None else round(v / (1e4 if default_unit == "元" else 1), 6)
    v, _ = parse_amount_cn(s)
    return None if v is None else round(v / 1e4, 6)


def strict_number(text: str | None) -> float | None:
    """A cell that holds just a number (units 万元/元/人/%/套/年 and thousands separators allowed); None for
    sentences that merely contain digits."""
    if text is None:
        return None
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    s = re.sub(r"(?:人民币)?(?:万元|元|%|[\u4e00-\u9fff]{1,3})$", "", s)   # unit: 万元, 人, 套, 人天, 个月 …
    s = repair_separators(s)[0]
    if not re.fullmatch(r"[-+]?\d[\d,，]*(?:\.\d+)?|[(（]\d[\d,，]*(?:\.\d+)?[)）]", s):
        return None
    return parse_number(s)
