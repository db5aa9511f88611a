"""Long-text speed work must not change answers: the corpus paragraphs, one by one and as one
long report, give the mentions and drafts recorded in ``tests/data/golden_drafts.json``
(rebuilt with ``python tests/golden_drafts.py`` only when an answer is meant to change).
Speed itself is measured by ``benchmarks/bench_long_text.py``, not here."""

from __future__ import annotations

import json

import pytest

from golden_drafts import GOLDEN, snapshot, texts

EXPECTED = json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("key,text,published", texts(), ids=[t[0] for t in texts()])
def test_same_mentions_and_drafts_as_recorded(key, text, published):
    got = snapshot(text, published)
    assert got["places"] == EXPECTED[key]["places"]
    assert got["drafts"] == EXPECTED[key]["drafts"]


def test_repeated_village_gives_one_incident_place():
    # a hostile sentence: one village named many times is still one place, one draft
    text = "Government forces shelled " + ", ".join(["Saraqib"] * 300) + " on Tuesday."
    got = snapshot(text, "2020-07-01")
    assert len(got["places"]) == 300 and len({p[4] for p in got["places"]}) == 1
    assert len(got["drafts"]) == 1
