"""Public entry point: generate_packet()."""
from __future__ import annotations

import json
import random
from pathlib import Path

from .build import build_spec
from .inject import NEED_MANY
from .inject2 import apply, check_compatible
from . import oracle
from .assemble import materialize

RENDERINGS = ("digital", "scanned", "mixed")
LAYOUTS = ("separate", "combined")


def generate_packet(out_dir: Path, seed: int, rendering: str = "digital", layout: str = "separate",
                    inject: list[str] | None = None, packet_id: str | None = None, *,
                    scan_dpi: int | None = None, scan_grey: bool | None = None, scan_quality: int | None = None,
                    n_enterprises: int | None = None) -> Path:
    """Write out_dir/<packet_id>/ (files + truth.json) for one synthetic packet; returns that folder.

    inject: finding codes (see docs/generator.md); each is applied once, to a different party where party-level.
    scan_dpi: force one scan resolution (smaller files); default varies 150/200/300.
    scan_quality: force the JPEG quality (and low noise), for small sample files.
    scan_grey: force grey-scale (True) or colour (False) scans.
    n_enterprises: fix the consortium size (default 10-15, or what the injected codes need)."""
    if rendering not in RENDERINGS:
        raise ValueError(f"rendering must be one of {RENDERINGS}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    codes = list(inject or [])
    check_compatible(codes)
    rng = random.Random(seed * 1009 + 17)
    n = _consortium_size(codes, rng)
    if n_enterprises is not None and n is None:
        n = n_enterprises
    pid = packet_id or f"S{seed:05d}"
    spec = build_spec(seed, rendering, layout, pid, n_enterprises=n)
    apply(spec, codes, rng)
    root = materialize(spec, Path(out_dir), scan_dpi=scan_dpi, scan_grey=scan_grey,
                       scan_quality=scan_quality)
    verify(root)
    return root


def _consortium_size(codes: list[str], rng: random.Random) -> int | None:
    """Enterprise count some codes need (None: the builder's 10-15)."""
    if "CONSORTIUM_TOO_SMALL" in codes:
        return rng.randint(7, 9) if len(codes) <= 4 else 9
    if "CLUSTER_CAP_EXCEEDED" in codes:
        return rng.randint(12, 13) + (len(codes) - 1) // 3
    if set(codes) & NEED_MANY:
        return rng.randint(12, 15)
    return None


def verify(root: Path) -> None:
    """The generator's own guarantee: expected_findings == what the rules derive from truth.json."""
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    want = {(f["code"], f["party_uscc"]) for f in truth["expected_findings"]}
    got = oracle.expected(truth)
    if want != got:
        raise RuntimeError(f"{root.name}: injected side effects {sorted(got - want)}, not derivable {sorted(want - got)}")
