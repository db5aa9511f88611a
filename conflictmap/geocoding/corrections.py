"""The analyst's corrections file: ``name, admin1, place_id, note`` (one fix per row).

Read by the geocoder (corrections win over every other method; an empty ``place_id`` says the
name is not a place) and written by :func:`write_corrections`, the one writer, which
:func:`conflictmap.events.attach.save_corrections` and the notebook review
(:mod:`conflictmap.reviewing`) call.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "fix.csv"
>>> _ = path.write_text("name,place_id\\nBenin,gn:171836\\n", encoding="utf-8")
>>> read_corrections(path).to_dict("records")
[{'name': 'Benin', 'admin1': '', 'place_id': 'gn:171836', 'note': ''}]
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from .._atomic import atomic_write_text
from ..errors import InputError

__all__ = ["CORRECTION_COLUMNS", "read_corrections", "write_corrections"]

CORRECTION_COLUMNS = ["name", "admin1", "place_id", "note"]


def read_corrections(path: str | os.PathLike, *, missing_ok: bool = False) -> pd.DataFrame:
    """Read a corrections CSV as text; ``name`` and ``place_id`` are required columns.

    With ``missing_ok`` a file that does not exist gives an empty table.
    """
    path = Path(path)
    if missing_ok and not path.exists():
        return pd.DataFrame(columns=CORRECTION_COLUMNS)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read corrections: {exc}", source=str(path)) from None
    for column in ("name", "place_id"):
        if column not in table.columns:
            raise InputError(f"corrections file needs a {column!r} column", source=str(path), column=column)
    for column in CORRECTION_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    return table[CORRECTION_COLUMNS]


def _read_corrections_rows(path: Path) -> list[list[str]]:
    """The rows of a corrections file as lists of text in ``CORRECTION_COLUMNS`` order."""
    if not path.exists():
        return []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            for column in ("name", "place_id"):
                if column not in header:
                    raise InputError(f"corrections file needs a {column!r} column", source=str(path), column=column)
            if header == CORRECTION_COLUMNS:  # the usual case: the rows as they are
                return [row for row in reader if len(row) == 4]
            at = [header.index(c) if c in header else None for c in CORRECTION_COLUMNS]
            width = len(header)
            return [[row[i] if i is not None and i < len(row) else "" for i in at]
                    for row in reader if row and len(row) <= width]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read corrections: {exc}", source=str(path)) from None


def write_corrections(path: str | os.PathLike, rows: Iterable[Mapping[str, str]]) -> Path:
    """Add ``rows`` (``name, admin1, place_id, note``) to the corrections file, atomically.

    A row for a (name, admin1) already in the file replaces it (and moves to the end); the other
    rows keep their order. The file is created when it does not exist. This is the one function
    that writes the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "fixes.csv"
    >>> _ = write_corrections(path, [{"name": "Ruwayha", "place_id": "gn:165178"}, {"name": "Benin", "place_id": "x"}])
    >>> _ = write_corrections(path, [{"name": "Ruwayha", "place_id": "gn:165179", "note": "checked"}])
    >>> print(path.read_text(), end="")
    name,admin1,place_id,note
    Benin,,x,
    Ruwayha,,gn:165179,checked
    """
    path = Path(path)
    merged: dict[tuple[str, str], list[str]] = {(row[0], row[1]): row for row in _read_corrections_rows(path)}
    for row in rows:
        record = [str(row.get(c) or "") for c in CORRECTION_COLUMNS]
        if not record[0].strip():
            raise InputError("a correction needs a name", column="name", value=record[0])
        key = (record[0], record[1])
        merged.pop(key, None)  # a new decision goes to the end, replacing the old one
        merged[key] = record
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CORRECTION_COLUMNS)
    writer.writerows(merged.values())
    atomic_write_text(path, out.getvalue())
    return path
