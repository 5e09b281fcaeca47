"""CTC scores of candidate strings against a seal's ring strip.

The recogniser's greedy reading of a blurred or partly covered seal often differs from the true name by a
look-alike character (精 → 糖, 能 → 熊). Instead of trusting that reading, the seal checks ask how likely
each candidate name is given the ink: `frame_posteriors` keeps the top characters of every CTC frame of
the strip (read time), `ctc_logp` scores any string against them (check time, when the names are known).
"""
from __future__ import annotations

import math

import cv2
import numpy as np

TOP_K = 8
FLOOR = math.log(1e-7)    # log p of a character outside a frame's top k (bounded by the mass left over)


def frame_posteriors(engine, strip: np.ndarray) -> list[list[tuple[str, float]]] | None:
    """Top-k (char, log p) per frame of the recogniser's output on `strip` ("" = blank); None when the
    engine does not expose its CTC model (then the checks fall back to the greedy reading)."""
    rec = getattr(engine, "rec", None)
    sess, chars = getattr(rec, "sess", None), getattr(rec, "chars", None)
    if sess is None or not chars:
        return None
    rec_h = 48
    h, w = strip.shape[:2]
    nw = max(8, min(3200, int(np.ceil(rec_h * w / max(h, 1)))))
    W = int(np.ceil(nw / 16) * 16)
    x = np.zeros((1, 3, rec_h, W), np.float32)
    x[0, :, :, :nw] = (cv2.resize(strip, (nw, rec_h)).astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)
    lock = getattr(rec, "lock", None)
    if lock is not None:
        with lock:
            y = sess.run(None, {sess.get_inputs()[0].name: x})[0][0]
    else:
        y = sess.run(None, {sess.get_inputs()[0].name: x})[0][0]
    out = []
    for row in y[: max(1, int(np.ceil(nw / W * y.shape[0])))]:
        idx = np.argpartition(-row, TOP_K)[:TOP_K]
        idx = idx[np.argsort(-row[idx])]
        keep = [(("" if i == 0 else chars[i] if i < len(chars) else ""), round(float(np.log(max(row[i], 1e-12))), 3))
                for i in idx if row[i] > 1e-6]
        out.append(keep)
    return out


def ctc_logp(frames: list[list[tuple[str, float]]], text: str) -> float:
    """log P(text | frames) under CTC (blank = ""), characters outside a frame's top k at FLOOR."""
    if not frames:
        return -math.inf
    lab = [""]
    for ch in text:
        lab += [ch, ""]
    S = len(lab)
    neg = -math.inf
    table = [dict(f) for f in frames]

    def lp(t: int, ch: str) -> float:
        v = table[t].get(ch)
        if v is not None:
            return v
        return FLOOR

    alpha = [neg] * S
    alpha[0] = lp(0, "")
    if S > 1:
        alpha[1] = lp(0, lab[1])
    for t in range(1, len(frames)):
        new = [neg] * S
        for s in range(S):
            a = alpha[s]
            if s >= 1:
                a = np.logaddexp(a, alpha[s - 1])
            if s >= 2 and lab[s] != "" and lab[s] != lab[s - 2]:
                a = np.logaddexp(a, alpha[s - 2])
            if a != neg:
                new[s] = float(a) + lp(t, lab[s])
        alpha = new
    return float(np.logaddexp(alpha[-1], alpha[-2])) if S > 1 else alpha[-1]


def greedy(frames: list[list[tuple[str, float]]]) -> list[tuple[str, int]]:
    """The best-path characters with the frame each is emitted at."""
    out, prev = [], ""
    for t, f in enumerate(frames):
        c = f[0][0] if f else ""
        if c and c != prev:
            out.append((c, t))
        prev = c
    return out


def rotate_to_name(frames: list[list[tuple[str, float]]]) -> list[list[tuple[str, float]]]:
    """Frames turned so a name read from inside (…有限公司江门市… ) starts at its beginning, the way
    reading.strip_code turns the text."""
    from pipeline.seals.reading import SUFFIX_WORDS
    em = greedy(frames)
    text = "".join(c for c, _ in em)
    m = None
    for m in SUFFIX_WORDS.finditer(text):
        pass
    if m is None or not 0 < m.end() < len(text):
        return frames
    tail = text[m.end():]
    if not (len(tail) <= 2 or (len(tail) <= 9 and any(c in tail for c in "市县区省"))):
        return frames
    if all(not ("\u4e00" <= c <= "\u9fff") for c in tail):
        return frames          # code digits after the name, not the name's start
    t = (em[m.end() - 1][1] + em[m.end()][1] + 1) // 2
    return frames[t:] + frames[:t]


def _lae(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    return max(a, b) + math.log1p(math.exp(-abs(a - b)))


def name_logp(frames: list[list[tuple[str, float]]], text: str) -> float:
    """log P(text | frames), with free frames before and after it (code digits, a star point caught at the
    strip's ends are explained by the frame's best character)."""
    if not frames or not text:
        return -math.inf
    lab = [""]
    for ch in text:
        lab += [ch, ""]
    S = len(lab)
    neg = -math.inf
    table = [dict(f) for f in frames]
    best = [f[0][1] if f else 0.0 for f in frames]
    g0 = 0.0                       # still before the text (free)
    alpha = [neg] * S
    g1 = neg                       # after the text (free)
    for t in range(len(frames)):
        tb = table[t]
        new = [neg] * S
        for s in range(S):
            a = alpha[s]
            if s >= 1:
                a = _lae(a, alpha[s - 1])
            if s >= 2 and lab[s] != "" and lab[s] != lab[s - 2]:
                a = _lae(a, alpha[s - 2])
            if s <= 1:
                a = _lae(a, g0)
            if a != neg:
                new[s] = a + tb.get(lab[s], FLOOR)
        g1 = _lae(g1, _lae(alpha[-1], alpha[-2])) + best[t] if t else neg
        g0 = g0 + best[t]
        alpha = new
    return _lae(g1, _lae(alpha[-1], alpha[-2]))
