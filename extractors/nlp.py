"""Free text (audit opinions, survey reports, plans, 概述) through a blank Chinese spaCy pipeline with an
EntityRuler built from the packet's parties and the rule vocabularies. Character segmentation: no jieba,
no model download."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language

from extractors.base import Hit, find_text, joined_text
from extractors.vocab import OPINIONS, SURVEY_TYPES, TYPE_BASES
from models.provenance import Page
from pipeline.normalize import norm_name

OPINION_CODE = {"无法表示意见": "disclaimer", "否定意见": "adverse", "保留意见": "qualified",
                "强调事项": "unqualified_with_emphasis", "无保留意见": "standard_unqualified",
                "公允反映": "standard_unqualified"}
_RANK = ["disclaimer", "adverse", "qualified", "unqualified_with_emphasis", "standard_unqualified"]


def _chars(text: str) -> list[dict[str, Any]]:
    """A phrase as a token pattern for the char segmenter (one token per character, spaces skipped)."""
    return [{"TEXT": ch} for ch in text if not ch.isspace()]


def build_nlp(party_names: list[str], extra_patterns: list[dict] | None = None) -> Language:
    """spaCy blank('zh') with char segmentation and an EntityRuler: ORG (parties, normalised names), OPINION
    (audit opinion phrases), ENTTYPE (enterprise types), SURVEYTYPE (survey enterprise types), plus
    `extra_patterns` ({'label', 'pattern'} dicts as EntityRuler takes them)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "TEXT"})
    pats: list[dict] = []
    for name in dict.fromkeys(n for n in party_names if n):
        for variant in {name, norm_name(name)}:
            pats.append({"label": "ORG", "pattern": _chars(variant), "id": norm_name(name)})
    for phrase in OPINION_CODE:
        pats.append({"label": "OPINION", "pattern": _chars(phrase), "id": OPINION_CODE[phrase]})
    for t in TYPE_BASES:
        pats.append({"label": "ENTTYPE", "pattern": _chars(t)})
    for t in SURVEY_TYPES:
        pats.append({"label": "SURVEYTYPE", "pattern": _chars(t)})
    pats += list(extra_patterns or [])
    ruler.add_patterns(pats)
    return nlp


@lru_cache(maxsize=1)
def _default_nlp() -> Language:
    return build_nlp([])


def entities(text: str, nlp: Language | None = None) -> list[tuple[str, str, str]]:
    """(label, text, id) for each entity found."""
    doc = (nlp or _default_nlp())(text)
    return [(e.label_, e.text, e.ent_id_) for e in doc.ents]


def opinion_from_text(text: str, nlp: Language | None = None) -> str | None:
    """The audit opinion code from the opinion section of a report. '保留意见' preceded by '无' is the
    unqualified phrase (the ruler's longest match wins); the most severe opinion found counts."""
    text = re.sub(r"\s+", "", text)
    # only the opinion paragraphs: from the opinion heading ('一、审计意见', '一、保留意见', '一、否定意见', …:
    # a modified report titles its section by the opinion, and '审计意见' then first appears in the basis
    # section) up to the auditor's responsibilities / signatures
    m = re.search(r"审计意见|无保留意见|保留意见|否定意见|无法表示意见", text)
    seg = text[m.start():] if m else text
    # a heading, not the quoted reference in 形成审计意见的基础 (审计报告的“注册会计师对财务报表审计的责任”部分)
    # (or, in a short report, at the signatures / the statements that follow: they hold no opinion words)
    cut = re.search(r"(?<![“\"「『])(?:注册会计师对财务报表审计的责任|管理层和治理层|管理层对财务报表的责任)"
                    r"|中国注册会计师[:：]|编制单位[:：]", seg)
    seg = seg[:cut.start()] if cut else seg
    codes = [e[2] for e in entities(seg, nlp) if e[0] == "OPINION"]
    if not codes:
        return None
    return min(codes, key=_RANK.index)


def opinion_of(pages: list[Page], nlp: Language | None = None) -> tuple[str | None, Hit | None]:
    text = joined_text(pages)
    code = opinion_from_text(text, nlp)
    hit = None
    for phrase in ("审计意见", "公允反映"):
        found = find_text(pages, phrase)
        if found:
            hit = found[1]
            break
    return code, hit
