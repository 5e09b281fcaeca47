"""Is a seal's one-character 字号 change real? The second opinions behind a SEAL_NAME_MISMATCH for a seal that
reads the party's name with one character changed (明腾 → 明永).

The recogniser reads a degraded glyph as a look-alike with high confidence (骏 → 驶 on a scan), so a change
read off one seal image proves little. It is believed when other evidence agrees:
- the ring read from its sharp ink (reading.sharp_ink) is sure of the same change;
- on a scan, the party's own seals elsewhere in the packet (the same seal stamped again) fit the party's
  character clearly better, and none fits the changed one: a wrong seal is made for one place, while a
  misread glyph of the party's seal is misread the same way wherever it is stamped.
"""
from __future__ import annotations

from models.packet import Party, ReviewContext
from models.provenance import Seal
from pipeline.checks.base import norm_name
from pipeline.seals.ctc import name_logps
from pipeline.seals.verdict import Verdict, core_span, seal_name, sure_changes

ZIHAO = 2            # a change is claimed only in the 字号's first characters after the place names
FITS = -30.0         # a seal's ink fits a name this well (name_logp) to count as the party's seal at all
CHANGED_FITS = -12.0 # the party's name with the change must fit the seal's ink this well (广力 0.6, 明永 -10.9;
                     # misreads 骏 → 驶 -26, 瑞宏 → 有您 -15)
SUPPORT = 3.0        # log-likelihood margin by which another seal of the party must fit its own character


def sharp_agrees(seal: Seal, name: str, changes: list[tuple[str, str]]) -> bool:
    """The changed character is read surely from the ring's sharp ink as well (reading.sharp_ink keeps faint
    strokes): a stroke worn off the seal image (服 read 及, its 月 faint) is not a changed 字号."""
    if not seal.ring_ctc_sharp:
        return True              # no second opinion taken (an older reading): the first stands
    sure, _ = sure_changes(seal.ring_ctc_sharp + seal.ring_ctc_sharp, name)
    return any((a, b) in changes for _, a, b in sure)


def confirmed_by_copies(ctx: ReviewContext, seal: Seal, party: Party) -> bool:
    """A one-character change read by the greedy text is believed only when the party's other seals read its
    name exactly and none repeats the change: the recogniser confuses look-alike glyphs (宇/字, 腾/屬) the same
    way on every copy of one seal, while a wrong seal made for one place differs from the party's seals
    elsewhere."""
    changed, exact = norm_name(seal.text), norm_name(party.name)
    others = [norm_name(s.text) for s in _other_seals(ctx, seal) if s.text]
    return exact in others and changed not in others


def scan_change(ctx: ReviewContext, seal: Seal, own: str, v: Verdict) -> bool:
    """Whether the one-character 字号 change of verdict `v` (judge on this seal against the party's name `own`)
    is borne out on a scanned seal. The ring reading is sure of exactly one changed character, among the 字号's
    first ZIHAO; the sharp-ink reading is sure of the same change; the name so changed fits the ink
    (CHANGED_FITS); at least one other seal of the party fits its own character by SUPPORT and none fits the
    changed one better."""
    if v.kind not in ("changed", "unsure") or len(v.changes) != 1 or not seal.ring_ctc:
        return False
    own = seal_name(own)
    (i,), ((a, b),) = v.at, v.changes
    start, end = core_span(own)
    if not start <= i < min(end, start + ZIHAO):
        return False
    if not seal.ring_ctc_sharp or (i, a, b) not in sure_changes(seal.ring_ctc_sharp + seal.ring_ctc_sharp, own)[0]:
        return False
    changed = with_changes(own, v.at, v.changes)
    if name_logps(seal.ring_ctc + seal.ring_ctc, [changed])[0] < CHANGED_FITS:
        return False                 # the changed name must itself fit the ink, not merely the read glyph
    support = 0
    for s in _other_seals(ctx, seal):
        if s.ring_ctc:
            lo, lc = name_logps(s.ring_ctc + s.ring_ctc, [own, changed])
            if max(lo, lc) < FITS:
                continue             # another company's seal, an office's, an auditor's
            if lc > lo:
                return False         # the party's seal elsewhere shows the change too: a misread glyph
            support += lo - lc >= SUPPORT
        else:
            read = seal_name(s.text_read or s.text or "")
            if read == changed:
                return False
            support += read == own
    return support > 0


def with_changes(name: str, at: list[int], changes: list[tuple[str, str]]) -> str:
    """The name (as seals are scored, seal_name) with each (name char, read char) change made where it stands."""
    out = list(seal_name(name))
    for i, (_, b) in zip(at, changes):
        out[i] = b
    return "".join(out)


def _other_seals(ctx: ReviewContext, seal: Seal) -> list[Seal]:
    """Every other read seal of the packet (no 骑缝 slice, no 与原件一致 stamp)."""
    return [s for p in ctx.pages.values() for s in p.seals
            if (s.text or s.ring_ctc) and not s.edge and not s.is_copy_stamp and s is not seal
            and (s.file, s.page, s.bbox) != (seal.file, seal.page, seal.bbox)]
