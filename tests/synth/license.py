"""营业执照 (副本) image, landscape, with authority seal, applicant's company seal, 与原件一致 stamp and watermark."""
from __future__ import annotations

import datetime as dt
import io
import random

from PIL import Image, ImageDraw

from . import seals as S
from .fonts import pil
from .model import Party

K = 1.5                      # pixels per PDF point (page 842 x 595 pt)
W, H = int(842 * K), int(595 * K)
SCOPES = ["一般项目：{w}制造；{w}销售；五金产品制造；模具制造；货物进出口；技术进出口。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
          "一般项目：软件开发；信息技术咨询服务；信息系统集成服务；云计算装备技术服务；工业互联网数据服务；技术服务、技术开发。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"]


def _wrap(text: str, n: int) -> list[str]:
    return [text[i:i + n] for i in range(0, len(text), n)]


def _paste(im: Image.Image, png: bytes, x: float, y: float, size_pt: float) -> list[float]:
    s = Image.open(io.BytesIO(png))
    w = int(size_pt * K)
    h = int(w * s.height / s.width)
    s = s.resize((w, h))
    im.paste(s, (int(x * K), int(y * K)), s)
    return [round(x, 1), round(y, 1), round(x + w / K, 1), round(y + h / K, 1)]


def render_license(p: Party, rng: random.Random, word: str) -> tuple[Image.Image, list[tuple[list[float], str, str, str | None]]]:
    lic = p.license
    im = Image.new("RGB", (W, H), (250, 247, 240))
    d = ImageDraw.Draw(im)
    brown = (150, 75, 55)
    d.rectangle((14 * K, 14 * K, W - 14 * K, H - 14 * K), outline=brown, width=int(3 * K))
    d.rectangle((22 * K, 22 * K, W - 22 * K, H - 22 * K), outline=brown, width=int(1 * K))
    f = lambda s: pil(int(s * K))  # noqa: E731
    black = (25, 25, 25)
    d.ellipse((395 * K, 45 * K, 445 * K, 95 * K), fill=(200, 30, 30))                    # emblem
    d.regular_polygon((420 * K, 68 * K, 12 * K), 5, fill=(250, 210, 60))
    d.text((421 * K, 130 * K), "营 业 执 照", font=f(40), fill=black, anchor="mm")
    d.text((580 * K, 130 * K), "（副　本）", font=f(14), fill=black, anchor="mm")
    d.text((60 * K, 90 * K), "统一社会信用代码", font=f(11), fill=black)
    d.text((60 * K, 106 * K), lic.uscc, font=f(16), fill=black)
    d.text((60 * K, 128 * K), f"副本编号：{rng.randint(1, 3)}-1", font=f(8), fill=black)
    for i in range(9):                                                           # QR-like block
        for j in range(9):
            if rng.random() < 0.55 or (i < 3 and j < 3) or (i < 3 and j > 5) or (i > 5 and j < 3):
                d.rectangle(((690 + j * 8) * K, (60 + i * 8) * K, (698 + j * 8) * K, (68 + i * 8) * K), fill=black)
    d.text((690 * K, 138 * K), "扫描市场主体身份码了解更多登记、\n备案、许可、监管信息", font=f(6), fill=black)
    branch = "分公司" in lic.company_type
    person_label = "负 责 人" if branch else "经 营 者" if lic.company_type == "个体工商户" else "法定代表人"
    est = dt.date.fromisoformat(lic.established)
    left = [("名　　称", lic.name), ("类　　型", lic.company_type), (person_label, lic.legal_representative)]
    y = 175
    for k, v in left:
        d.text((65 * K, y * K), k, font=f(11), fill=black)
        d.text((145 * K, y * K), v, font=f(11), fill=black)
        y += 30
    d.text((65 * K, y * K), "经营范围", font=f(11), fill=black)
    scope = SCOPES[1] if p.role != "enterprise" else SCOPES[0].format(w=word)
    for i, line in enumerate(_wrap(scope, 24)):
        d.text((145 * K, (y + i * 22) * K), line, font=f(11), fill=black)
    right = ([] if lic.registered_capital_text is None else [("注册资本", lic.registered_capital_text)]) + \
        [("成立日期", f"{est:%Y年%m月%d日}"), ("营业期限", lic.term), ("住　　所", lic.address)]
    y = 175
    for k, v in right:
        d.text((465 * K, y * K), k, font=f(11), fill=black)
        for i, line in enumerate(_wrap(v, 18)):
            d.text((540 * K, (y + i * 18) * K), line, font=f(11), fill=black)
        y += 30 + 18 * (len(_wrap(v, 18)) - 1)
    d.text((60 * K, 545 * K), "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", font=f(7), fill=black)
    d.text((370 * K, 545 * K), "国家市场监督管理总局监制", font=f(7), fill=black)
    d.text((560 * K, 460 * K), "登 记 机 关", font=f(13), fill=black)
    iss = dt.date.fromisoformat(lic.issued)
    d.text((630 * K, 505 * K), f"{iss.year}年{iss.month}月{iss.day}日", font=f(11), fill=black)
    marks = [(_paste(im, S.seal_png(lic.authority, "authority", seed=5), 637.5, 427.5, 105), lic.authority,
              "authority", None)]
    # applicant's copy: watermark line, company seal, 与原件一致 stamp
    d.text((130 * K, 360 * K), "仅供申报2025年江门市工业互联网产业集群试点项目使用", font=f(14), fill=(40, 50, 140))
    sp = p.hints.slots.get("license")
    sx, sy = rng.uniform(200, 350), rng.uniform(355, 415)
    _paste(im, S.stamp_png(), sx - 70, sy + 45, 85)
    if sp is not None and sp.text is not None:
        bb = _paste(im, S.seal_png(sp.text, sp.kind, sp.oval, seed=S.stable(sp.text)), sx, sy, 113.4)
        marks.append((bb, sp.text, sp.kind, "license"))
    return im, marks
