"""Export the report.json contract: `python -m pipeline.report.schema [OUT]` writes docs/report.schema.json."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from models.report import ReportModel

DEFAULT = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"


def report_schema() -> dict:
    schema = ReportModel.model_json_schema()
    schema.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
    schema.setdefault("$id", "https://shenbao.local/report.schema.json")
    return schema


def write_schema(path: Path = DEFAULT) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_schema(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
