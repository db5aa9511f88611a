"""The analyst's corrections file: ``name, admin1, place_id, note`` (one fix per row).

Read by the geocoder (corrections win over every other method) and written by
:func:`write_corrections` (used by :func:`conflictmap.events.attach.save_corrections` and the
review, ``cm.review``), which reads, merges and writes under a lock file (``<file>.lock``, left in
place), so that two processes saving at once both keep their corrections.

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
import logging
import os
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd
from filelock import FileLock, Timeout

from .._atomic import atomic_write_text
from ..csvtext import read_csv_file
from ..errors import ConflictmapError, InputError

log = logging.getLogger(__name__)

__all__ = ["CORRECTION_COLUMNS", "read_corrections", "write_corrections", "merge_corrections", "LOCK_SECONDS"]

CORRECTION_COLUMNS = ["name", "admin1", "place_id", "note"]
#: how long a writer waits for another one to finish with the corrections file
LOCK_SECONDS = 60.0


def read_corrections(path: str | os.PathLike, *, missing_ok: bool = False) -> pd.DataFrame:
    """Read a corrections CSV as text; ``name`` and ``place_id`` are required columns.

    With ``missing_ok`` a file that does not exist gives an empty table.
    """
    path = Path(path)
    if missing_ok and not path.exists():
        return pd.DataFrame(columns=CORRECTION_COLUMNS)
    try:
        table = read_csv_file(path)
    except OSError as exc:
        raise InputError(f"cannot read corrections: {exc}", source=str(path)) from None
    for column in ("name", "place_id"):
        if column not in table.columns:
            raise InputError(f"corrections file needs a {column!r} column", source=str(path), column=column)
    for column in CORRECTION_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    return table[CORRECTION_COLUMNS]


def merge_corrections(path: str | os.PathLike, rows: pd.DataFrame, *, timeout: float = LOCK_SECONDS) -> pd.DataFrame:
    """Add the rows of a table (``CORRECTION_COLUMNS``) to the corrections file, as
    :func:`write_corrections` does, and return the whole file as a table.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "fix.csv"
    >>> _ = merge_corrections(path, pd.DataFrame([{"name": "Benin", "place_id": "gn:171836"}]))
    >>> merge_corrections(path, pd.DataFrame([{"name": "Kafrnabel", "place_id": "gn:169596"}]))["name"].tolist()
    ['Benin', 'Kafrnabel']
    """
    added = pd.DataFrame(rows).reindex(columns=CORRECTION_COLUMNS).fillna("").astype(str)
    write_corrections(path, added.to_dict("records"), timeout=timeout)
    return read_corrections(path).reset_index(drop=True)


_HEADER = ",".join(CORRECTION_COLUMNS)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read corrections: {exc}", source=str(path)) from None


def _parse_rows(text: str, path: Path) -> list[list[str]]:
    """The rows of a corrections file as lists of text in ``CORRECTION_COLUMNS`` order."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
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
    except csv.Error as exc:
        raise InputError(f"cannot read corrections: {exc}", source=str(path)) from None


def _csv_rows(rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _may_hold(text: str, name: str) -> bool:
    """False when no row of ``text`` can be named ``name`` (it appears nowhere, quoted or not)."""
    return name in text or name.replace('"', '""') in text


def write_corrections(path: str | os.PathLike, rows: Iterable[Mapping[str, str]], *,
                      timeout: float = LOCK_SECONDS) -> Path:
    """Add ``rows`` (``name, admin1, place_id, note``) to the corrections file, atomically, under
    the file's lock (a writer in another process waits at most ``timeout`` seconds instead of
    overwriting what this one adds).

    A row for a (name, admin1) already in the file replaces it (and moves to the end); the other
    rows keep their order. The file is created when it does not exist. A name the file does not
    hold yet (the usual decision) is appended to the text as it is, without parsing the file: at
    5,000 rows a decision stays a few ms, and no per-row objects wake the garbage collector
    (benchmarks/bench_review.py).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "fixes.csv"
    >>> _ = write_corrections(path, [{"name": "Ruwayha", "admin1": "", "place_id": "gn:165178"}])
    >>> _ = write_corrections(path, [{"name": "Ruwayha", "admin1": "", "place_id": "gn:165179"},
    ...                              {"name": "Unknown", "admin1": "", "place_id": ""}])
    >>> print(path.read_text(), end="")
    name,admin1,place_id,note
    Ruwayha,,gn:165179,
    Unknown,,,
    """
    path = Path(path)
    records = []
    for row in rows:
        record = [str(row.get(c) or "") for c in CORRECTION_COLUMNS]
        if not record[0].strip():
            raise InputError("a correction needs a name", column="name", value=record[0])
        records.append(record)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(f"{path}.lock")
    try:
        with lock.acquire(timeout=timeout):
            _merge_into(path, records)
    except Timeout:
        raise ConflictmapError(f"{path}: another process has held its lock file {lock.lock_file} for more than "
                               f"{timeout:g} s; try again, or delete the lock file if no one is saving") from None
    return path


def _merge_into(path: Path, records: list[list[str]]) -> None:
    """The file's rows with ``records`` merged in, written atomically (the caller holds the lock)."""
    text = _read_text(path)
    keys = [(r[0], r[1]) for r in records]
    if (text is not None and text.split("\n", 1)[0].rstrip("\r") == _HEADER and len(set(keys)) == len(keys)
            and not any(_may_hold(text, r[0]) for r in records)):
        out = (text if text.endswith("\n") or not text else text + "\n") + _csv_rows(records)
    else:
        merged: dict[tuple[str, str], list[str]] = {}
        if text is not None:
            merged = {(row[0], row[1]): row for row in _parse_rows(text, path)}
        for key, record in zip(keys, records):
            merged.pop(key, None)  # a new decision goes to the end, replacing the old one
            merged[key] = record
        out = _HEADER + "\n" + _csv_rows(merged.values())
    atomic_write_text(path, out)
