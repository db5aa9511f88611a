"""The analyst's corrections file: ``name, admin1, place_id, note`` (one fix per row).

Read by the geocoder (corrections win over every other method) and written by
:func:`conflictmap.events.attach.save_corrections` through :func:`merge_corrections`, which
reads, merges and writes under a lock file (``<file>.lock``, left in place), so that two
processes saving at once both keep their corrections.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "fix.csv"
>>> _ = path.write_text("name,place_id\\nBenin,gn:171836\\n", encoding="utf-8")
>>> read_corrections(path).to_dict("records")
[{'name': 'Benin', 'admin1': '', 'place_id': 'gn:171836', 'note': ''}]
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from .._atomic import atomic_path
from ..csvtext import read_csv_file
from ..errors import ConflictmapError, InputError

log = logging.getLogger(__name__)

__all__ = ["CORRECTION_COLUMNS", "read_corrections", "merge_corrections", "LOCK_SECONDS"]

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
    """Add ``rows`` (``CORRECTION_COLUMNS``) to the corrections file and return the whole table.

    Under the file's lock: the file is read as it is now, a row for a (name, admin1) already in
    it replaces that row, and the result is written atomically; a writer in another process
    waits (at most ``timeout`` seconds) instead of overwriting what this one adds.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "fix.csv"
    >>> _ = merge_corrections(path, pd.DataFrame([{"name": "Benin", "place_id": "gn:171836"}]))
    >>> merge_corrections(path, pd.DataFrame([{"name": "Kafrnabel", "place_id": "gn:169596"}]))["name"].tolist()
    ['Benin', 'Kafrnabel']
    """
    path = Path(path)
    added = pd.DataFrame(rows).reindex(columns=CORRECTION_COLUMNS).fillna("").astype(str)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(f"{path}.lock")
    try:
        with lock.acquire(timeout=timeout):
            table = read_corrections(path, missing_ok=True)
            if len(added):
                table = pd.concat([table, added], ignore_index=True).drop_duplicates(["name", "admin1"], keep="last")
            with atomic_path(path) as tmp:
                table.to_csv(tmp, index=False, encoding="utf-8")
    except Timeout:
        raise ConflictmapError(f"{path}: another process has held its lock file {lock.lock_file} for more than "
                               f"{timeout:g} s; try again, or delete the lock file if no one is saving") from None
    return table.reset_index(drop=True)
