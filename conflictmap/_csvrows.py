"""Check the rows of a CSV text before a table reader trusts it.

pandas pads a short row with empty cells and, when the first data row is one field longer than
the header, silently takes the first column as the index. :func:`check_rows` reads the records
once with the :mod:`csv` module and

- raises :class:`~conflictmap.errors.InputError` naming the line of a row with more fields than
  the header;
- returns the last row when the text ends in the middle of it (a download cut mid-line: an
  unterminated quoted field, or fewer fields than the header and no line end), so the reader can
  report it by row number and keep the rows before it.

Examples
--------
>>> cut = check_rows("a,b,c\\n1,2,3\\n4,\\"five, si")
>>> cut.row, cut.line, cut.fields, cut.width
(1, 3, ['4', 'five, si'], 3)
>>> check_rows("a,b\\n1,2\\n") is None
True
>>> check_rows("a,b\\n1,2\\n3,4,5\\n", source="e.csv")
Traceback (most recent call last):
...
conflictmap.errors.InputError: e.csv, row 1: line 3 has 3 fields but the header has 2
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .errors import InputError

__all__ = ["CutRow", "check_rows"]


@dataclass(frozen=True)
class CutRow:
    """The last row of a text that ends in the middle of it.

    ``row`` is its position among the data rows (0 the first row after the header, blank lines
    not counted, as pandas numbers them); ``line`` the line of the text it starts on (1 the
    first line, comment lines included); ``start`` the offset in the text where it starts (the
    text before it is complete); ``fields`` what is left of it; ``width`` the header's fields.
    """

    row: int
    line: int
    start: int
    fields: list[str]
    width: int

    def describe(self) -> str:
        """What is wrong, for an error message or a ``problems`` cell."""
        return (f"the last row (line {self.line}) is cut off: the file ends in the middle of it "
                f"({len(self.fields)} of {self.width} fields); the download may be incomplete")


def check_rows(text: str, *, sep: str = ",", skip_lines: int = 0, source: str | None = None) -> CutRow | None:
    """Check every record of a CSV ``text`` (see the module docstring).

    Parameters
    ----------
    text
        The whole file as text.
    sep
        The field separator.
    skip_lines
        Lines before the header (``#`` comments) that are not part of the table.
    source
        File name for error messages.

    Returns
    -------
    CutRow or None
        The last row when the text ends in the middle of it, else None.

    Raises
    ------
    InputError
        A row with more fields than the header (naming its data row and its line).
    """
    stream = io.StringIO(text, newline="")
    for _ in range(skip_lines):
        stream.readline()
    reader = csv.reader(stream, delimiter=sep)
    width = None
    row = -1
    last: tuple[int, int, int, list[str]] | None = None
    start, line = stream.tell(), skip_lines + 1
    for record in reader:
        if record:
            if width is None:
                width = len(record)
            else:
                row += 1
                if len(record) > width:
                    raise InputError(f"line {line} has {len(record)} fields but the header has {width}",
                                     row=row, source=source)
                last = (row, line, start, record)
        start, line = stream.tell(), skip_lines + reader.line_num + 1
    if last is None or width is None:
        return None
    row, line, start, record = last
    tail = text[start:]
    open_quote = tail.count('"') % 2 == 1
    no_line_end = not tail.endswith(("\n", "\r"))
    if open_quote or (no_line_end and len(record) < width):
        return CutRow(row, line, start, record, width)
    return None
