"""Rows of the package's own reviewable data files (``conflictmap/data/*.csv``).

Those files start with ``#`` comment lines that say what the file holds and where it came from;
this reader skips comment and blank lines and returns every row as a dict of text.

Examples
--------
>>> rows = data_rows("qualifiers.csv")
>>> rows[0]["word"], rows[0]["kind"]
('village', 'type')
"""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["DATA_DIR", "data_rows"]

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_rows(name: str) -> list[dict[str, str]]:
    """Rows of ``conflictmap/data/<name>`` without its ``#`` comment and blank lines."""
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return list(csv.DictReader(lines))
