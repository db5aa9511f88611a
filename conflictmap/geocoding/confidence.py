"""``match_confidence``: how likely an answer is right, learned from the development sets.

Gradient-boosted trees over features of the answer (how it was found, its score, the margin to
the best namesake elsewhere, whether the hints contain it, what the hand rules decided ...) give
each answer a confidence in [0, 1]; ``matched`` is ``confidence >= threshold``. The trees and the
threshold are a JSON file, ``conflictmap/data/match_confidence.json``, written by
``benchmarks/train_confidence.py`` (``make models``: scikit-learn at build time only, trained on
the three development sets; the threshold is chosen on cross-validated confidences, so the
promise holds on rows the model never saw; validated leave-one-source-out too); here they are
applied with numpy (:mod:`conflictmap.geocoding.boosted_trees`).

Rules stay where they are better: an unresolved answer stays unresolved (confidence 0), a name
spelt as a famous place abroad is never promoted to ``matched`` without a hint, an Arabic name
read alone that an admin hint alone picked among its namesakes is never ``matched``, and a query that
names an admin area by its level ("Daraa province", "Idlib district": none in the development
sets, which are points of places) keeps the rules' status.

Examples
--------
>>> from conflictmap import Geocoder
>>> m = Geocoder().resolve("Kansafra", admin1="Idlib")
>>> m.status, 0.0 <= m.confidence <= 1.0, m.confidence >= Calibrator.bundled().threshold
('matched', True, True)
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from .._data import DATA_DIR
from .boosted_trees import BoostedTrees
from .matching import AREA_TYPES, STRONG_METHODS, Match, NameIndex, _elsewhere
from .normalize import compact_key
from .query import parse_location

__all__ = ["Calibrator", "FEATURES", "features"]

MODEL_FILE = DATA_DIR / "match_confidence.json"
_HINT_NOTES = ("outside admin hint", "just outside admin hint", "just outside district hint", "outside box",
               "far from context")
MARGIN_CAP = 30.0

#: the features, in the order of the model's coefficients
FEATURES = (
    "rule_matched", "exact_alias", "key_compact_prefix", "romanised_vowels", "fuzzy_skeleton", "other_method",
    "score", "margin", "rivals_strong", "outside_hint", "hint_given", "single_source", "area", "population",
    "near_or_part", "common_name", "script_both", "script_one", "city_not_named",
    "name_count", "candidates", "name_spelling", "query_words", "own_name", "hint_depth",
    # the same evidence read again for answers the hand rules matched: they weigh differently there
    "rm_exact_alias", "rm_score", "rm_margin", "rm_rivals_strong", "rm_hint_given", "rm_script_both", "rm_name_spelling",
)


def features(index: NameIndex, match: Match, hinted: int) -> np.ndarray:
    """The feature vector of an answer with a point (see :data:`FEATURES`); ``hinted`` is the finest
    hint the row gave: 0 none, 1 a governorate, a point or a box, 2 a district, 3 a sub-district
    (``True`` counts as 1)."""
    method = match.method or ""
    script, _, base = method.rpartition(":")
    cands = match.candidates
    top = next((c for c in cands if c.place_id == match.place_id), cands[0] if cands else None)
    rivals = [c for c in cands if top is not None and c.place_id != top.place_id and _elsewhere(index, top, c)]
    margin = MARGIN_CAP if top is None or not rivals else min(max(top.score - max(c.score for c in rivals), 0.0),
                                                              MARGIN_CAP)
    strong = sum(1 for c in rivals if c.method in STRONG_METHODS)
    notes = top.notes if top is not None else ()
    row = index.row_of.get(match.place_id)
    single = bool(index.single_source[row]) if row is not None else False
    pop = float(index.population[row]) if row is not None else 0.0
    reason = match.reason or ""
    names = float(index.name_count[row]) if row is not None else 1.0
    matched_key = compact_key(top.matched_name) if top is not None else ""
    # the name the query gives, without its qualifiers and context parts ("Afrin town", "Kansafra,
    # Jabal al-Zawiya, south of Idlib"), against the name matched: those words are no misspelling
    given = _given_keys(match.query or "")
    spelling = max(fuzz.ratio(k, matched_key) for k in given) / 100.0 if top is not None else 0.0
    # the place's own (primary) name matched, not one of its aliases or variant spellings
    own_name = top is not None and (matched_key == index.own_key[top.row]
                                    or (row is not None and matched_key == index.own_key_ar[row]))
    words = min(len((match.query or "").split()), 6) / 6.0
    rule = match.status == "matched"
    return np.array([
        rule,
        base in ("exact", "alias"),
        base in ("key", "compact", "prefix"),
        base in ("romanised", "vowels"),
        base in ("fuzzy", "skeleton"),
        base not in ("exact", "alias", "key", "compact", "prefix", "romanised", "vowels", "fuzzy", "skeleton"),
        min(match.score, 100.0) / 100.0,
        margin / MARGIN_CAP,
        min(strong, 5) / 5.0,
        any(n in _HINT_NOTES for n in notes),
        hinted > 0,
        single,
        (match.feature_type or "") in AREA_TYPES,
        min(math.log10(pop + 1.0), 6.0) / 6.0,
        (match.geo_precision or 1) == 2,
        "a common name" in reason,
        script == "both",
        script in ("latin", "arabic"),
        "city not named" in notes,
        min(names, 20.0) / 20.0,
        min(len(cands), 10) / 10.0,
        spelling,
        words,
        own_name,
        min(int(hinted), 3) / 3.0,
        rule and base in ("exact", "alias"),
        rule * min(match.score, 100.0) / 100.0,
        rule * margin / MARGIN_CAP,
        rule * min(strong, 5) / 5.0,
        rule and hinted > 0,
        rule and script == "both",
        rule * spelling,
    ], dtype=float)


@functools.lru_cache(maxsize=65536)
def _given_keys(query: str) -> tuple[str, ...]:
    """The compact keys of the names a query gives (its name and alternatives, without qualifiers
    and context parts)."""
    parsed = parse_location(query)
    return tuple(compact_key(n) for n in (parsed.name, *parsed.alternatives) if n) or (compact_key(query),)


class Calibrator:
    """The confidence model over :data:`FEATURES` and the ``matched`` threshold.

    Two kinds, as ``benchmarks/train_confidence.py`` writes them: gradient-boosted trees
    (``kind: "trees"``, applied by :class:`~conflictmap.geocoding.boosted_trees.BoostedTrees`)
    or a logistic regression (``kind: "logistic"``: one coefficient per feature).

    Parameters
    ----------
    threshold : ``matched`` when the confidence is at least this
    coef, intercept : a logistic model
    trees, baseline : a trees model (its trees as JSON lists, its starting log-odds)
    meta : what the training script recorded (data, figures)
    """

    def __init__(self, threshold: float, *, coef: Any = None, intercept: float = 0.0,
                 trees: Any = None, baseline: float = 0.0, meta: dict | None = None):
        self.threshold = float(threshold)
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"the threshold {threshold!r} is not a probability above 0")
        self.meta = meta or {}
        self.trees: BoostedTrees | None = None
        self.coef: np.ndarray | None = None
        self.intercept = float(intercept)
        if trees is not None:
            self.trees = BoostedTrees(trees, baseline, len(FEATURES))
        else:
            self.coef = np.asarray(coef, dtype=float)
            if self.coef.shape != (len(FEATURES),):
                raise ValueError(f"the model has {self.coef.shape} coefficients; the features are {len(FEATURES)}")

    @classmethod
    def load(cls, path: str | Path) -> "Calibrator":
        """A model written by ``benchmarks/train_confidence.py`` (plain JSON, no pickle)."""
        return cls.load_dict(json.loads(Path(path).read_text(encoding="utf-8")), source=str(path))

    @classmethod
    def load_dict(cls, data: dict[str, Any], source: str = "the model") -> "Calibrator":
        """A model from its JSON mapping (what :meth:`load` reads from the file)."""
        path = source
        if not isinstance(data, dict) or list(data.get("features", ())) != list(FEATURES):
            found = data.get("features") if isinstance(data, dict) else data
            raise ValueError(f"{path}: its features {found} are not {list(FEATURES)}; run `make models`")
        kind = data.get("kind", "logistic")
        if kind == "trees":
            return cls(data["threshold"], trees=data["trees"], baseline=data["baseline"], meta=data.get("meta"))
        if kind == "logistic":
            return cls(data["threshold"], coef=data["coef"], intercept=data["intercept"], meta=data.get("meta"))
        raise ValueError(f"{path}: model kind {kind!r} is neither 'trees' nor 'logistic'; run `make models`")

    @classmethod
    @functools.lru_cache(maxsize=1)
    def bundled(cls) -> "Calibrator":
        """The model shipped with the package."""
        return cls.load(MODEL_FILE)

    def confidence(self, x: np.ndarray) -> float:
        """The probability the answer is right."""
        z = self.trees.raw(x) if self.trees is not None else float(self.coef @ x) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))
