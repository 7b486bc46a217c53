"""Reading and writing one month folder: ``DIR/YYYY-MM/<table>.csv`` and ``facts.csv``.

One module a part: ``encoding`` (what encoding a CSV file is in, and a guess when it is in
neither UTF-8 nor GB18030), ``cells`` (one cell parsed and formatted by its declared kind),
``codec`` (a table or the stated figures read against the schema and written as canonical CSV;
a published CSV's guard against formulas) and ``folder`` (a month's files written atomically, its
``not_published.csv`` and ``kept_aside.csv``). The names below are the ones the rest of the
package imports.
"""

from __future__ import annotations

from bulletin.core.inputs import TOTAL_NAMES as TOTAL_NAMES  # where the other modules import it from
from bulletin.data.store.cells import MAX_COUNT, format_cell, parse_cell
from bulletin.data.store.codec import (
    FORMULA_GUARD,
    SPREADSHEET_STARTS,
    facts_csv,
    read_facts,
    read_table,
    spreadsheet_text,
    table_csv,
)
from bulletin.data.store.encoding import chinese_plausibility, damaged_utf8_line, decode_csv, likely_encoding
from bulletin.data.store.folder import (
    KEPT_ASIDE_COLUMNS,
    KEPT_ASIDE_FILE,
    NOT_PUBLISHED_COLUMNS,
    NOT_PUBLISHED_FILE,
    kept_aside_csv,
    month_files,
    not_published_csv,
    read_kept_aside,
    read_not_published,
    write_month_files,
)

__all__ = [
    "FORMULA_GUARD", "KEPT_ASIDE_COLUMNS", "KEPT_ASIDE_FILE", "MAX_COUNT", "NOT_PUBLISHED_COLUMNS",
    "NOT_PUBLISHED_FILE", "SPREADSHEET_STARTS", "TOTAL_NAMES",
    "chinese_plausibility", "damaged_utf8_line", "decode_csv", "facts_csv", "format_cell", "kept_aside_csv",
    "likely_encoding", "month_files", "not_published_csv", "parse_cell", "read_facts", "read_kept_aside",
    "read_not_published", "read_table", "spreadsheet_text", "table_csv", "write_month_files",
]
