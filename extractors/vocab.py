"""Vocabularies shared by the extractors and the spaCy EntityRuler: enterprise types, opinion phrases, labels."""
from __future__ import annotations

import re

from pipeline.normalize import squash

# 企业类型 on licences: a base form, optionally followed by a parenthesised qualifier built from these words.
TYPE_BASES = ("其他有限责任公司", "一人有限责任公司", "有限责任公司分公司", "股份有限公司分公司", "其他股份有限公司",
              "有限责任公司", "股份有限公司", "个体工商户", "个人独资企业", "特殊普通合伙企业", "普通合伙企业",
              "有限合伙企业", "外商独资企业", "中外合资经营企业", "中外合作经营企业", "全民所有制", "集体所有制",
              "股份合作制", "农民专业合作社", "非公司企业法人", "分公司")
TYPE_WORDS = ("非自然人", "自然人", "投资", "或", "控股", "独资", "法人", "外商", "企业", "非", "国有", "台港澳",
              "外国", "中外", "合资", "合作", "上市", "与境内", "、", "的", "港澳台", "内资", "外资", "集体")
OPINIONS = {  # phrase in an audit opinion → opinion code (most specific first)
    "无法表示意见": "disclaimer", "否定意见": "adverse", "保留意见": "qualified",
    "强调事项": "unqualified_with_emphasis", "无保留意见": "standard_unqualified",
}
SURVEY_TYPES = ("龙头企业", "专精特新企业", "中小微企业", "上游配套企业", "下游销售企业", "规上企业", "高新技术企业")
NATURES = ("中央企业", "地方国企", "民营", "三资")
CHAINS = ("水暖卫浴", "食品", "纺织服装", "石化新材料", "新能源电池", "生物医药", "轨道交通", "船舶与海工装备", "智能装备",
          "硅能源", "新能源汽车", "其他")


def _covered(s: str, words: tuple[str, ...]) -> bool:
    """True when `s` is fully made of `words` (greedy longest-first)."""
    ws = sorted(words, key=len, reverse=True)
    i = 0
    while i < len(s):
        for w in ws:
            if s.startswith(w, i):
                i += len(w)
                break
        else:
            return False
    return True


def canonical_company_type(text: str | None) -> str | None:
    """'有限责任公司(自然人投资或控股)' → '有限责任公司（自然人投资或控股）'; None when not a known form (e.g. an OCR
    misread like '白然人')."""
    s = squash(text).replace("(", "（").replace(")", "）")
    s = re.sub(r"^(?:类型|公司类型|主体类型|型)", "", s)
    for base in TYPE_BASES:
        if s.startswith(base):
            rest = s[len(base):]
            if not rest:
                return base
            m = re.fullmatch(r"（([^（）]{1,24})）", rest)
            if m and _covered(m.group(1), TYPE_WORDS):
                return s
            return None
    return None
