"""Submission -> packet linking.

Step 1 (at registration, before review): a provisional identity from the e-mail — the sender address
plus the subject with reply/forward prefixes and 补充材料-style words removed. A 补充材料 e-mail joins the
sender's packet with the same identity, else the sender's latest packet; a new version is added.
Step 2 (after review, `confirm`): the reviewed lead unit + cluster name is the real identity; a packet
whose lead + cluster equal an earlier packet's is merged into it (its submissions become new versions).
"""
from __future__ import annotations

import re
import unicodedata

SUPPLEMENT = re.compile(r"补充|补正|补交|补发|补材料|更正|修改后|重新提交|追加|更新材料")
_PREFIX = re.compile(r"^\s*((re|fw|fwd|回复|答复|转发)\s*[:：]\s*)+", re.I)
_NOISE = re.compile(r"[【】\[\]()（）《》<>「」\"'“”‘’:：,，。.、\s_\-—]+")
_WORDS = re.compile(r"补充材料|补正材料|补充|补正|补交|补发|更正|修改后|重新提交|追加|更新材料|材料|的|申报|"
                    r"第[一二三四五六七八九十\d]+版|v\d+|终稿|定稿")


def is_supplement(subject: str) -> bool:
    return bool(SUPPLEMENT.search(_PREFIX.sub("", subject or "")))


def normalize_subject(subject: str | None) -> str:
    s = unicodedata.normalize("NFKC", subject or "")
    s = _PREFIX.sub("", s)
    s = _WORDS.sub("", s)
    return _NOISE.sub("", s).lower()


def identity(sender: str | None, subject: str | None) -> str:
    return f"{(sender or '').lower()}|{normalize_subject(subject)}"


def norm_name(name: str | None) -> str:
    """Company / cluster name for comparison: NFKC (full-width brackets), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
