"""Office files (.docx, .xlsx) as pages, so a form sent as Word/Excel can be classified and extracted.

`office_pages(sf)` gives one Page per .docx and one per .xlsx sheet: its paragraphs / rows as lines
and its tables as Table grids (merged cells as spans). Coordinates are synthetic (a 595 pt wide page,
20 pt per line or table row, columns of equal width): they order the text, they are not a rendering.
Old binary .doc/.xls are not read (UnreadableOffice)."""
from __future__ import annotations

from pathlib import Path

from models.packet import StoredFile
from models.provenance import Cell, Page, Table, TextLine

W, LINE, MARGIN = 595.0, 20.0, 40.0
MAX_ROWS, MAX_COLS = 1000, 60


class UnreadableOffice(ValueError):
    pass


def _grid_table(grid: list[list[object]], texts: dict[object, str], top: float, engine: str) -> Table:
    """A Table from a grid of cell identities (the same identity over several slots = a merged cell)."""
    n_rows, n_cols = len(grid), max((len(r) for r in grid), default=0)
    colw = (W - 2 * MARGIN) / max(n_cols, 1)
    spans: dict[object, list[int]] = {}
    for r, row in enumerate(grid):
        for c, ident in enumerate(row):
            s = spans.setdefault(ident, [r, c, r, c])
            s[0], s[1], s[2], s[3] = min(s[0], r), min(s[1], c), max(s[2], r), max(s[3], c)
    cells = [Cell(row=r0, col=c0, rowspan=r1 - r0 + 1, colspan=c1 - c0 + 1, text=texts.get(ident, ""),
                  bbox=(MARGIN + c0 * colw, top + r0 * LINE, MARGIN + (c1 + 1) * colw, top + (r1 + 1) * LINE))
             for ident, (r0, c0, r1, c1) in spans.items()]
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(bbox=(MARGIN, top, W - MARGIN, top + n_rows * LINE), n_rows=n_rows, n_cols=n_cols,
                 cells=cells, engine=engine)


def docx_page(path: str | Path, name: str) -> Page:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph
    d = docx.Document(str(path))
    y, lines, tables = MARGIN, [], []
    for block in d.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(block, d).text.strip()
            if text:
                lines.append(TextLine(text=text, bbox=(MARGIN, y, W - MARGIN, y + LINE), engine="docx"))
                y += LINE
        elif tag == "tbl":
            t = DocxTable(block, d)
            grid, texts = [], {}
            for row in t.rows[:MAX_ROWS]:
                ids = []
                for cell in row.cells[:MAX_COLS]:
                    ids.append(cell._tc)          # the element itself: lxml keeps one proxy while referenced
                    texts[cell._tc] = cell.text.strip()
                grid.append(ids)
            table = _grid_table(grid, texts, y, "docx")
            tables.append(table)
            for r in table.rows():
                text = "\t".join(c.text for c in r if c.text)
                if text:
                    lines.append(TextLine(text=text, bbox=(MARGIN, y, W - MARGIN, y + LINE), engine="docx"))
                y += LINE
    return Page(file=name, index=1, width=W, height=max(842.0, y + MARGIN), text_layer=True, lines=lines,
                tables=tables)


def xlsx_pages(path: str | Path, name: str) -> list[Page]:
    import openpyxl
    with open(path, "rb") as fh:          # a blob has no .xlsx suffix: give openpyxl the bytes
        wb = openpyxl.load_workbook(fh, data_only=True, read_only=False)
    pages = []
    for i, ws in enumerate(wb.worksheets, start=1):
        n_rows, n_cols = min(ws.max_row, MAX_ROWS), min(ws.max_column, MAX_COLS)
        owner = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    owner[(r, c)] = (rng.min_row, rng.min_col)
        grid, texts = [], {}
        for r in range(1, n_rows + 1):
            row = []
            for c in range(1, n_cols + 1):
                key = owner.get((r, c), (r, c))
                v = ws.cell(*key).value
                texts[key] = "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)).strip()
                row.append(key)
            grid.append(row)
        table = _grid_table(grid, texts, MARGIN, "xlsx")
        lines = []
        for k, r in enumerate(table.rows()):
            text = "\t".join(c.text for c in r if c.text)
            if text:
                y = MARGIN + k * LINE
                lines.append(TextLine(text=text, bbox=(MARGIN, y, W - MARGIN, y + LINE), engine="xlsx"))
        pages.append(Page(file=name, index=i, width=W, height=max(842.0, MARGIN * 2 + n_rows * LINE),
                          text_layer=True, lines=lines, tables=[table] if n_rows and n_cols else []))
    return pages


def office_pages(sf: StoredFile) -> list[Page]:
    ext = Path(sf.path).suffix.lower()
    try:
        if ext == ".docx":
            return [docx_page(sf.blob, sf.path)]
        if ext == ".xlsx":
            return xlsx_pages(sf.blob, sf.path)
    except Exception as e:  # noqa: BLE001 - a broken Office file is a problem for that file only
        raise UnreadableOffice(f"Office 文件无法读取（{type(e).__name__}: {e}）") from e
    raise UnreadableOffice(f"不支持的 Office 格式 {ext}（请另存为 .docx / .xlsx 或 PDF）")
