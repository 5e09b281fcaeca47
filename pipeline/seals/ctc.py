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
    t = name_start(frames)
    return frames[t:] + frames[:t]


def name_start(frames: list[list[tuple[str, float]]]) -> int:
    """The frame a name read from inside (…有限公司江门市…) starts at; 0 when it starts at the strip's start."""
    from pipeline.seals.reading import SUFFIX_WORDS
    em = greedy(frames)
    text = "".join(c for c, _ in em)
    m = None
    for m in SUFFIX_WORDS.finditer(text):
        pass
    if m is None or not 0 < m.end() < len(text):
        return 0
    tail = text[m.end():]
    if not (len(tail) <= 2 or (len(tail) <= 9 and any(c in tail for c in "市县区省"))):
        return 0
    if all(not ("\u4e00" <= c <= "\u9fff") for c in tail):
        return 0               # code digits after the name, not the name's start
    return (em[m.end() - 1][1] + em[m.end()][1] + 1) // 2


def name_logp(frames: list[list[tuple[str, float]]], text: str) -> float:
    """log P(text | frames), with free frames before and after it (code digits, a star point caught at the
    strip's ends are explained by the frame's best character)."""
    return name_logps(frames, [text])[0]


def name_logps(frames: list[list[tuple[str, float]]], texts: list[str]) -> list[float]:
    """name_logp of each text, all texts at once: the CTC forward pass runs over a (texts × labels) array
    per frame instead of a Python loop per label (the seal checks score every party name on every seal)."""
    out = [-math.inf] * len(texts)
    idx = [i for i, t in enumerate(texts) if t]
    if not frames or not idx:
        return out
    vocab = {"": 0}
    for i in idx:
        for ch in texts[i]:
            vocab.setdefault(ch, len(vocab))
    T, N = len(frames), len(idx)
    S = 2 * max(len(texts[i]) for i in idx) + 1
    emit = np.full((T, len(vocab) + 1), FLOOR)           # last column: padding, never emitted
    emit[:, -1] = -np.inf
    for t, f in enumerate(frames):
        for ch, lp in f:
            v = vocab.get(ch)
            if v is not None:
                emit[t, v] = lp
    lab = np.full((N, S), len(vocab))                   # padding
    skip = np.zeros((N, S), bool)                       # s-2 -> s allowed (a character unlike the one before)
    last = np.zeros(N, int)
    for n, i in enumerate(idx):
        text = texts[i]
        lab[n, : 2 * len(text) + 1] = 0
        for k, ch in enumerate(text):
            lab[n, 2 * k + 1] = vocab[ch]
            skip[n, 2 * k + 1] = k == 0 or text[k - 1] != ch
        last[n] = 2 * len(text)
    skip[:, :2] = False
    best = np.array([f[0][1] if f else 0.0 for f in frames])
    neg = -np.inf
    alpha = np.full((N, S), neg)
    g0, g1 = 0.0, np.full(N, neg)
    rows = np.arange(N)
    with np.errstate(invalid="ignore"):
        for t in range(T):
            prev1 = np.concatenate([np.full((N, 1), neg), alpha[:, :-1]], axis=1)
            prev2 = np.where(skip, np.concatenate([np.full((N, 2), neg), alpha[:, :-2]], axis=1), neg)
            start = np.full((N, S), neg)
            start[:, :2] = g0
            a = np.logaddexp(np.logaddexp(alpha, prev1), np.logaddexp(prev2, start))
            new = a + emit[t][lab]
            end = np.logaddexp(alpha[rows, last], alpha[rows, last - 1])
            g1 = np.logaddexp(g1, end) + best[t] if t else np.full(N, neg)
            g0 = g0 + best[t]
            alpha = np.where(np.isnan(new), neg, new)
    final = np.logaddexp(g1, np.logaddexp(alpha[rows, last], alpha[rows, last - 1]))
    for n, i in enumerate(idx):
        out[i] = float(final[n])
    return out
