"""Company names and free text: NFKC (full/half-width), no spaces, Chinese brackets."""
from __future__ import annotations

import re
import unicodedata


# how the names of sole traders and small units (个体工商户 …) end; one list for every name pattern
SMALL_UNIT_ENDINGS = "商行|经营部|加工部|门市部|服务部|销售部|批发部|工作室"


def squash(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def norm_name(name: str | None) -> str:
    """'江门市 XX（有限）公司' and '江门市XX(有限)公司' compare equal. Full-width brackets are kept as the
    canonical form (licences print them)."""
    s = squash(name).replace("(", "（").replace(")", "）")
    return s.strip("：:，,。；;、")


def same_name(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and norm_name(a) == norm_name(b)
