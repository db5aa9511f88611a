"""Reading the user's text tables strictly: every row the file has, in the columns its header names.

pandas is lenient where a user's table must not be: a row with more fields than the header
shifts its leading fields into the index (so ``Kafr Nabl,Idlib,extra,extra2`` comes out as
``extra, extra2``), and a repeated column name is renamed ``location.1``. :func:`parse_csv`
(text) and :func:`read_csv_file` (a path: any common encoding) refuse both, naming the line;
:func:`decode_text` reads UTF-8 (with or without BOM), UTF-16/32 with a BOM, UTF-16 without one,
and Windows-1256 Arabic, and refuses anything else naming the line of the first bad byte.
:func:`read_excel_file` does the same checks for an Excel sheet.

Every reader of a user table in the package goes through here (CLI tables, ``POST /geocode``,
event files, user places, corrections, zone tables).

Examples
--------
>>> parse_csv("location,admin1\\nSaraqib,Idlib\\n").to_dict("records")
[{'location': 'Saraqib', 'admin1': 'Idlib'}]
>>> parse_csv("location,admin1\\nKafr Nabl,Idlib,extra\\n", source="t.csv")
Traceback (most recent call last):
...
conflictmap.errors.InputError: t.csv: line 2 has 3 fields but the header has 2 (location, admin1); quote a value that contains ','
>>> parse_csv("location,location\\nA,B\\n")
Traceback (most recent call last):
...
conflictmap.errors.InputError: column 'location': the header names this column twice (line 1)
>>> decode_text("حلب".encode("cp1256"))
'حلب'
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Literal

import pandas as pd

from .errors import InputError

log = logging.getLogger(__name__)

__all__ = ["decode_text", "read_text_file", "parse_csv", "read_csv_file", "check_header", "read_excel_file",
           "sniff_separator", "CutRow", "cut_last_row"]

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
#: share of the non-ASCII letters of a non-UTF-8 text that must be Arabic to read it as Windows-1256
ARABIC_SHARE = 0.8
Comments = Literal["leading", "all"] | None


def _where(source: str | None) -> dict[str, Any]:
    return {"source": source} if source else {}


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _nul_encoding(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even = sample[0::2].count(0) / len(sample[0::2])
    odd = sample[1::2].count(0) / len(sample[1::2])
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _looks_arabic(text: str) -> bool:
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    if not letters:
        return False
    return sum("\u0600" <= ch <= "\u06ff" for ch in letters) / len(letters) >= ARABIC_SHARE


def decode_text(data: bytes, *, source: str | None = None) -> str:
    """Text of a user's file: UTF-8 (BOM or not), UTF-16/UTF-32 (BOM), UTF-16 (no BOM), Windows-1256.

    A file in none of these (Latin-1, say) raises :class:`InputError` naming the line of its
    first byte that is not UTF-8, rather than guessing.

    Examples
    --------
    >>> decode_text("name\\nحلب\\n".encode("utf-16"))
    'name\\nحلب\\n'
    >>> decode_text(b"name\\nCaf\\xe9\\n", source="t.csv")
    Traceback (most recent call last):
    ...
    conflictmap.errors.InputError: t.csv: line 2 is not UTF-8 text (byte 0xe9); save the file as UTF-8
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {encoding.upper()} text after its byte-order mark (byte {exc.start})",
                                 **_where(source)) from None
    guessed = _nul_encoding(data)
    if guessed:
        try:
            text = data.decode(guessed)
            log.info("%s: read as %s (no byte-order mark)", source or "text", guessed.upper())
            return text
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = exc
    arabic = data.decode("cp1256", errors="replace")
    if "\ufffd" not in arabic and _looks_arabic(arabic):
        log.warning("%s is not UTF-8; read it as Windows-1256 (Arabic)", source or "the text")
        return arabic
    bad = data[error.start]
    raise InputError(f"line {_line_of(data, error.start)} is not UTF-8 text (byte 0x{bad:02x}); save the file as UTF-8",
                     **_where(source))


def read_text_file(path: str | os.PathLike, *, source: str | None = None) -> str:
    """A file's text as :func:`decode_text` reads it (``InputError`` when missing)."""
    file = Path(path)
    name = source or str(file)
    if not file.is_file():
        raise InputError("file not found", source=name)
    return decode_text(file.read_bytes(), source=name)


def check_header(columns: Iterable[Any], *, source: str | None = None, line: int = 1) -> None:
    """Refuse a header that names a column twice (``InputError`` naming it and the line).

    >>> check_header(["name", " name"])
    Traceback (most recent call last):
    ...
    conflictmap.errors.InputError: column 'name': the header names this column twice (line 1)
    """
    seen: set[str] = set()
    for column in columns:
        key = str(column).strip()
        if key in seen and key:
            raise InputError(f"the header names this column twice (line {line})", column=key, **_where(source))
        seen.add(key)


def _without_comments(text: str, comments: Comments) -> str:
    """Comment lines blanked (not removed), so that line numbers stay those of the file."""
    if comments is None:
        return text
    if comments == "all":
        return "\n".join("" if line.lstrip().startswith("#") else line for line in text.split("\n"))
    head, pos = [], 0  # "leading": only the lines before the header are looked at
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        line = text[pos:end]
        if line.lstrip().startswith("#"):
            head.append("\n" if line.endswith("\n") else "")
        elif line.strip():
            break
        else:
            head.append(line)
        pos = end
    return "".join(head) + text[pos:]


def sniff_separator(text: str) -> str:
    """The field separator of a table's text: comma, tab, semicolon or bar (comma when unsure).

    >>> sniff_separator("a;b;c\\n1;2;3\\n")
    ';'
    """
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


def _records(text: str, sep: str) -> Iterable[tuple[int, list[str]]]:
    """(first line, fields) of every non-blank record, as pandas' parser splits them."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    start = 1
    for fields in reader:
        if fields and any(f.strip() for f in fields) or len(fields) > 1:
            yield start, fields
        start = reader.line_num + 1


def _ragged(text: str, sep: str, source: str | None) -> InputError | None:
    records = iter(_records(text, sep))
    first = next(records, None)
    if first is None:
        return None
    header = first[1]
    for line, fields in records:
        if len(fields) > len(header):
            names = ", ".join(h.strip() for h in header)
            shown = "'\\t'" if sep == "\t" else repr(sep)
            return InputError(f"line {line} has {len(fields)} fields but the header has {len(header)} ({names[:120]}); "
                              f"quote a value that contains {shown}", **_where(source))
    return None


@dataclass(frozen=True)
class CutRow:
    """The last row of a table whose text ends in the middle of it (a download cut mid-line).

    ``row`` is its position among the data rows (0 the first row after the header, blank lines
    not counted, as pandas numbers them); ``line`` the line of the text it starts on (1 the
    first line, comment lines included); ``fields`` what is left of it; ``width`` the header's
    number of fields.
    """

    row: int
    line: int
    fields: list[str]
    width: int

    def describe(self) -> str:
        """What is wrong, for an error message or a ``problems`` cell."""
        return (f"the last row (line {self.line}) is cut off: the file ends in the middle of it "
                f"({len(self.fields)} of {self.width} fields); the download may be incomplete")


def cut_last_row(text: str, *, sep: str = ",", comments: Comments = None,
                 source: str | None = None) -> tuple[str, CutRow | None]:
    """Split off a last row that the text ends in the middle of: an unterminated quoted field, or
    fewer fields than the header and no line end.

    Returns the text before that row (its comment lines blanked; the whole text when it is
    complete) and the row, which the
    caller reports by its row and line. A row with more fields than the header raises
    :class:`InputError` naming its line, as :func:`parse_csv` does.

    Examples
    --------
    >>> kept, cut = cut_last_row('a,b,c\\n1,2,3\\n4,"five, si')
    >>> kept, (cut.row, cut.line, cut.fields, cut.width)
    ('a,b,c\\n1,2,3\\n', (1, 3, ['4', 'five, si'], 3))
    >>> cut_last_row("a,b\\n1,2\\n")
    ('a,b\\n1,2\\n', None)
    """
    clean = _without_comments(text, comments)  # comment lines blanked: line numbers stay the file's
    stream = io.StringIO(clean, newline="")
    reader = csv.reader(stream, delimiter=sep)
    header: list[str] | None = None
    row, last = -1, None
    start, line = 0, 1
    for record in reader:
        if record:
            if header is None:
                header = record
            else:
                row += 1
                if len(record) > len(header):
                    raise _ragged(text, sep, source) or InputError(
                        f"line {line} has {len(record)} fields but the header has {len(header)}", **_where(source))
                last = (row, line, start, record)
        start, line = stream.tell(), reader.line_num + 1
    if last is None or header is None:
        return text, None
    row, line, start, record = last
    tail = clean[start:]
    open_quote = tail.count('"') % 2 == 1
    no_line_end = not tail.endswith(("\n", "\r"))
    if open_quote or (no_line_end and len(record) < len(header)):
        return clean[:start], CutRow(row, line, record, len(header))
    return text, None


def parse_csv(text: str, *, sep: str | None = ",", source: str | None = None, comments: Comments = None,
              dtype: Any = str, keep_default_na: bool = False, **options: Any) -> pd.DataFrame:
    """A CSV text as a table: one row per record, columns as the header names them.

    Parameters
    ----------
    text : str
        The table (header line first).
    sep : str or None
        Field separator; None sniffs it (``,``, tab, ``;`` or ``|``).
    source : str, optional
        How errors name the table (a file name).
    comments : {"leading", "all", None}
        Ignore lines starting with ``#``: those before the header, or all of them.
    dtype, keep_default_na, **options
        Passed to :func:`pandas.read_csv` (default: every cell as text, ``''`` when empty).

    Raises
    ------
    InputError
        A record with more fields than the header (naming its line), a column named twice,
        an empty table, or a text pandas cannot split.
    """
    text = _without_comments(text, comments)
    delimiter = sniff_separator(text) if sep is None else sep
    first = next(iter(_records(text, delimiter)), None)
    if first is None:
        raise InputError("the table is empty; its first line must name the columns", **_where(source))
    check_header(first[1], source=source, line=first[0])
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=dtype, keep_default_na=keep_default_na,
                            engine="c" if len(delimiter) == 1 else "python", **options)
    except pd.errors.ParserError as exc:
        raise (_ragged(text, delimiter, source) or
               InputError(f"cannot read the table: {str(exc).strip().splitlines()[-1]}", **_where(source))) from None
    except (pd.errors.EmptyDataError, ValueError) as exc:
        raise InputError(f"cannot read the table: {str(exc).strip().splitlines()[0]}", **_where(source)) from None
    if not isinstance(frame.index, pd.RangeIndex):  # pandas took a wide first row's leading fields as an index
        raise _ragged(text, delimiter, source) or InputError("rows have more fields than the header", **_where(source))
    return frame


def read_csv_file(path: str | os.PathLike, *, sep: str | None = ",", comments: Comments = None,
                  source: str | None = None, **options: Any) -> pd.DataFrame:
    """:func:`parse_csv` of a file decoded by :func:`decode_text` (errors name the file)."""
    name = source or str(path)
    return parse_csv(read_text_file(path, source=name), sep=sep, source=name, comments=comments, **options)


def _column_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        letters = string.ascii_uppercase[rest] + letters
    return letters


def read_excel_file(path: str | os.PathLike, *, source: str | None = None, **options: Any) -> pd.DataFrame:
    """A sheet as :func:`pandas.read_excel` reads it (``options`` passed on), with the checks of
    :func:`parse_csv`: a column named twice, or a value in a column the header leaves unnamed (the
    Excel form of a row wider than its header), is an :class:`InputError` naming the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> pd.DataFrame([["location", "admin1", None], ["Saraqib", "Idlib", None], ["Binnish", "Idlib", "x"]]
    ...              ).to_excel(path, header=False, index=False)
    >>> read_excel_file(path, dtype=str)
    Traceback (most recent call last):
    ...
    conflictmap.errors.InputError: ...t.xlsx: line 3 has a value in column C, which the header does not name
    """
    name = source or str(path)
    sheet = options.get("sheet_name", 0)
    header = pd.read_excel(path, sheet_name=sheet, header=None, nrows=1, dtype=str)
    names = ["" if pd.isna(v) else str(v).strip() for v in (header.iloc[0] if len(header) else [])]
    check_header([n for n in names if n], source=name)
    frame = pd.read_excel(path, **options)
    unnamed = []
    for j, column in enumerate(frame.columns):
        if j < len(names) and names[j]:
            continue
        values = frame[column]
        filled = (values.notna() & (values.astype(str).str.strip() != "")).to_numpy()
        if filled.any():
            raise InputError(f"line {int(filled.argmax()) + 2} has a value in column {_column_letter(j)}, "
                             f"which the header does not name", source=name)
        unnamed.append(column)
    return frame.drop(columns=unnamed)
