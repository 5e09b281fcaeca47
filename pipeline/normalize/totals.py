"""Totals that must add up: one OCR-garbled number among parts and total can be repaired from the others."""
from __future__ import annotations


def repair_total(parts: list[float | None], total: float | None, tol: float = 0.011,
                 expected: list[float | None] | None = None) -> tuple[list[float | None], float | None, str | None]:
    """(parts, total, note). If exactly one value is missing, or the sum is off and exactly one value can be
    replaced so that the sum holds while its digits stay close to the read ones (same length, ≤2 digits
    differ), return the repaired values and a note; otherwise the inputs unchanged and note None.
    `expected` (e.g. unit price × quantity per row) breaks ties: a part whose repaired value equals it wins."""
    vals = list(parts)
    missing = [i for i, v in enumerate(vals) if v is None]
    if total is None and not missing:
        return vals, round(sum(vals), 2), "合计缺失，按明细求和补全"
    if total is None or len(missing) > 1:
        return vals, total, None
    if missing:
        i = missing[0]
        v = round(total - sum(v for v in vals if v is not None), 2)
        if v <= 0 or (expected and expected[i] is not None and abs(expected[i] - v) > tol):
            return vals, total, None
        vals[i] = v
        return vals, total, f"第{i + 1}项缺失，按合计倒推为{vals[i]:.2f}"
    s = sum(vals)
    if abs(s - total) <= tol:
        return vals, total, None

    def close(a: float, b: float) -> bool:
        da, db = f"{abs(a):.2f}", f"{abs(b):.2f}"
        return len(da) == len(db) and sum(x != y for x, y in zip(da, db)) <= 2

    cands = []
    if close(total, s):
        cands.append(("total", s))
    for i, v in enumerate(vals):
        nv = round(total - (s - v), 2)
        if nv >= 0 and close(v, nv):
            cands.append((i, nv))
    if len(cands) > 1 and expected:
        agree = [c for c in cands if c[0] != "total" and expected[c[0]] is not None
                 and abs(expected[c[0]] - c[1]) <= tol]
        cands = agree if len(agree) == 1 else cands
    if len(cands) != 1:
        return vals, total, None
    k, nv = cands[0]
    if k == "total":
        return vals, nv, f"合计{total:.2f}与明细之和不符，按明细修正为{nv:.2f}"
    old = vals[k]
    vals[k] = nv
    return vals, total, f"第{k + 1}项{old:.2f}与合计不符，修正为{nv:.2f}"
