"""Chinese formatting of dates and amounts, in the forms real packets use."""
from __future__ import annotations

import datetime as dt
import random

_DIG = "零壹贰叁肆伍陆柒捌玖"
_CN_NUM = "〇一二三四五六七八九"
DATE_STYLES = ("cn", "cn0", "iso", "dot", "hanzi")


def _four(n: int) -> str:
    """0..9999 in 大写 (without trailing unit), with 零 rules."""
    units = ["", "拾", "佰", "仟"]
    s, zero = "", False
    for i in range(3, -1, -1):
        d = (n // 10 ** i) % 10
        if d == 0:
            zero = bool(s)
        else:
            if zero:
                s += "零"
                zero = False
            s += _DIG[d] + units[i]
    return s


def capital_daxie(wan: float, rng: random.Random | None = None, prefix: bool | None = None) -> str:
    """注册资本 in 大写: 500 -> 人民币伍佰万元整 / 伍佰万元整; 128.5 -> 壹佰贰拾捌万伍仟元整; cents -> 角/分."""
    rng = rng or random.Random(0)
    fen = round(wan * 1_000_000)            # amount in 分
    yuan, jf = divmod(fen, 100)
    wan_part, rest = divmod(yuan, 10000)
    s = ""
    if wan_part:
        s += _four(wan_part) + "万"
    if rest:
        s += ("零" if wan_part and rest < 1000 else "") + _four(rest)
    s += "元"
    if jf:
        jiao, f = divmod(jf, 10)
        s += (_DIG[jiao] + "角" if jiao else "零") + (_DIG[f] + "分" if f else "")
    else:
        s += "整" if rng.random() < 0.7 else ""
    if prefix is None:
        prefix = rng.random() < 0.6
    return ("人民币" if prefix else "") + s


def fmt_date(d: dt.date, style: str) -> str:
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "cn0":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if style == "iso":
        return d.isoformat()
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if style == "hanzi":
        return f"{''.join(_CN_NUM[int(c)] for c in str(d.year))}年{_cn_small(d.month)}月{_cn_small(d.day)}日"
    raise ValueError(style)


def _cn_small(n: int) -> str:
    if n < 10:
        return _CN_NUM[n]
    t, o = divmod(n, 10)
    return ("" if t == 1 else _CN_NUM[t]) + "十" + (_CN_NUM[o] if o else "")


def rand_date_style(rng: random.Random, hanzi: bool = True) -> str:
    styles = DATE_STYLES if hanzi else DATE_STYLES[:4]
    return rng.choices(styles, weights=[4, 3, 2, 2, 1][: len(styles)])[0]


def fmt_money(v: float, sep: bool) -> str:
    """2 decimals, with or without thousands separators."""
    return f"{v:,.2f}" if sep else f"{v:.2f}"


def fmt_wan(v: float) -> str:
    s = f"{v:.2f}"
    return s


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:                       # 29 Feb
        return d.replace(year=d.year + years, day=28)
