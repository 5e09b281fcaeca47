"""Report stage: report.json, report.html with evidence crops, the JSON Schema of the contract."""
from pipeline.report.html import build_view, render_html
from pipeline.report.writer import attach_crops, write_report

__all__ = ["write_report", "attach_crops", "render_html", "build_view"]
