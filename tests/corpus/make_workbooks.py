"""Writes the corpus's XLSX cases (files/engagement-*.xlsx): small workbooks laid out as
Netflix's engagement reports are (a title block with the period above the header row, the
table from column B), each broken in one way. Run from tests/corpus; the output is committed,
so the tests need no Python."""
import zipfile
from xml.sax.saxutils import escape

WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="TV" sheetId="1" r:id="rId1"/></sheets></workbook>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"""


def cell(ref, v):
    if isinstance(v, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
    return f'<c r="{ref}"><v>{v}</v></c>'


def row(n, values, numbered=True):
    cells = "".join(cell(f"{chr(66 + i)}{n}", v) for i, v in enumerate(values) if v is not None)
    r = f' r="{n}"' if numbered else ""
    return f"<row{r}>{cells}</row>"


HEADER = ["Title", "Available Globally?", "Release Date", "Hours Viewed", "Runtime", "Views"]
GOOD = ["Partner Track: Season 1", "Yes", "2022-08-26", 10600000, "7:34", 1400000]


def book(name, data_rows, extra_xml=""):
    rows = [row(1, ["What We Watched: A Netflix Engagement Report"]),
            row(2, ["Views from July to December 2023"]),
            row(5, HEADER)]
    rows += [row(6 + i, r) for i, r in enumerate(data_rows)]
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + "".join(rows) + extra_xml + "</sheetData></worksheet>")
    with zipfile.ZipFile(f"files/{name}", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)


other = ["Other Show: Season 2", "No", "2023-09-01", 5000000, "1:00", 5000000]
book("engagement-exact-duplicate.xlsx", [GOOD, other, GOOD])
book("engagement-release-year-zero.xlsx", [GOOD, ["X: Season 1", "Yes", "0000-01-01", 5, "1:00", 5]])
book("engagement-control-char-title.xlsx", [GOOD, ["X&#27;[31m: Season 1", "Yes", "2023-01-01", 5, "1:00", 5]])
book("engagement-title-too-long.xlsx", [GOOD, ["A" * 5000, "Yes", "2023-01-01", 5, "1:00", 5]])
book("engagement-bad-yes-no.xlsx", [GOOD, ["X", "Maybe", "2023-01-01", 5, "1:00", 5]])
book("engagement-negative-hours.xlsx", [GOOD, ["X", "Yes", "2023-01-01", -5, "1:00", 5]])
book("engagement-bad-runtime.xlsx", [GOOD, ["X", "Yes", "2023-01-01", 5, "1:75", 5]])
# Row 1,048,576 is Excel's last; the next <row> without a number is 1,048,577.
book("engagement-row-past-excel-limit.xlsx", [GOOD],
     row(1048576, ["Y", "Yes", "2023-01-01", 5, "1:00", 5]) + row(0, ["Z", "Yes", "2023-01-01", 5, "1:00", 5], numbered=False))
# The same row written with its number: reported as row 1,048,577, not as the 7th row read.
book("engagement-row-number-past-excel-limit.xlsx", [GOOD],
     row(1048577, ["Z", "Yes", "2023-01-01", 5, "1:00", 5]))
# A cell whose reference is past the last row, in an unnumbered row: located in its column (B).
book("engagement-cell-reference-past-excel-limit.xlsx", [GOOD],
     '<row><c r="B1048577" t="inlineStr"><is><t>Z</t></is></c></row>')
book("engagement-rows-out-of-order.xlsx", [GOOD], row(3, ["Y", "Yes", "2023-01-01", 5, "1:00", 5]))
