"""The README's Python examples run as written (docs are tested)."""

import re
from pathlib import Path

import pandas as pd
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_a_five_line_example():
    blocks = _python_blocks()
    assert blocks and len([line for line in blocks[0].splitlines() if line.strip()]) == 5


def test_readme_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({
        "event_date": ["2020-06-25", "2020-06-26"], "event_type": ["Battles", "Explosions/Remote violence"],
        "location": ["Kansafrah", "al-Sukhna"], "admin1": ["Idlib", "Homs"], "fatalities": [2, 0],
    }).to_csv("my_events.csv", index=False)
    namespace: dict = {"df": pd.DataFrame({"location": ["Saraqib"], "admin1": ["Idlib"]})}
    for block in _python_blocks():
        exec(compile(block, "README.md", "exec"), namespace)
    html = (tmp_path / "idlib.html").read_text(encoding="utf-8")
    assert len(html) > 100_000 and "Kansafrah" in html
