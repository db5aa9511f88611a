"""match_confidence: a learned, calibrated confidence per answer; matched = confidence >= threshold."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import conflictmap
from conflictmap import Geocoder
from conflictmap.errors import InputError
from conflictmap.geocoding.confidence import FEATURES, MODEL_FILE, Calibrator, features


@pytest.fixture(scope="module")
def geocoder():
    return Geocoder()


def _names(geocoder, n=300):
    places = geocoder.gazetteer.places
    names = places.loc[places["feature_type"] == "settlement", "name"].iloc[::37].head(n).tolist()
    return names + [n[:-1] + "q" for n in names[:50]] + ["Kafr Nabl", "", "Nowhere-xyz", "Ruwayhah", "Paris"]


def test_the_model_is_plain_json_with_its_features_and_figures():
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES) and data["kind"] == "trees"
    assert all(set(tree) == {"feature", "threshold", "left", "right", "value"} for tree in data["trees"])
    assert 0.5 <= data["threshold"] < 1.0
    figures = data["meta"]["figures"]
    assert {"rules", "in-sample", "cross-validated", "leave-one-source-out"} <= set(next(iter(figures.values())))
    for run in figures.values():  # the threshold keeps the promise on rows the model did not see
        assert run["cross-validated"]["matched wrong"] <= data["meta"]["max_wrong_percent"]


def _stump(feature=0, threshold=0.5, left=1, right=2):
    return {"feature": [feature, -1, -1], "threshold": [threshold, 0.0, 0.0], "left": [left, -1, -1],
            "right": [right, -1, -1], "value": [0.0, -2.0, 3.0]}


def test_trees_are_applied_as_written():
    from conflictmap.geocoding.boosted_trees import BoostedTrees

    deeper = {"feature": [1, -1, 2, -1, -1], "threshold": [0.0, 0, 0.7, 0, 0], "left": [1, -1, 3, -1, -1],
              "right": [2, -1, 4, -1, -1], "value": [0, 0.5, 0, 1.0, -1.0]}
    model = BoostedTrees([_stump(), deeper], baseline=0.1, n_features=3)
    assert model.raw(np.array([0.2, -1.0, 0.0])) == pytest.approx(0.1 - 2.0 + 0.5)
    assert model.raw(np.array([0.9, 1.0, 0.7])) == pytest.approx(0.1 + 3.0 + 1.0)
    assert model.raw(np.array([0.5, 1.0, 0.8])) == pytest.approx(0.1 - 2.0 - 1.0)  # <= goes left
    assert BoostedTrees(model.as_json(), 0.1, 3).raw(np.array([0.9, 1.0, 0.7])) == pytest.approx(4.1)


@pytest.mark.parametrize("tree, message", [
    (_stump(left=0), "must come after it"),            # a loop back to itself
    (_stump(right=3), "must come after it"),           # outside the tree
    (_stump(feature=len(FEATURES)), "is not one of"),  # a feature the vector lacks
    (_stump(threshold=float("nan")), "finite number"),
    (_stump(threshold="__import__('os')"), "finite number"),
    ({"feature": [0], "threshold": [0.5, 1.0], "left": [-1], "right": [-1], "value": [1.0]}, "equal, length"),
    ({"feature": [0]}, "needs the lists"),
    ("not a tree", "must be a mapping"),
])
def test_a_damaged_trees_file_is_refused_not_trusted(tmp_path, tree, message):
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["trees"] = [tree]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=message):
        Calibrator.load(path)


def test_a_logistic_model_file_still_loads(tmp_path):
    data = {"features": list(FEATURES), "kind": "logistic", "coef": [0.0] * len(FEATURES), "intercept": 1.0,
            "threshold": 0.7}
    path = tmp_path / "logistic.json"
    path.write_text(json.dumps(data))
    model = Calibrator.load(path)
    assert model.confidence(np.zeros(len(FEATURES))) == pytest.approx(1 / (1 + np.exp(-1.0)))
    data["kind"] = "forest"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="neither 'trees' nor 'logistic'"):
        Calibrator.load(path)


def test_a_model_for_other_features_is_refused(tmp_path):
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="make models"):
        Calibrator.load(path)


def test_matched_is_confidence_at_or_above_the_threshold(geocoder):
    threshold = geocoder.calibrator.threshold
    seen = set()
    for name in _names(geocoder):
        m = geocoder.resolve(name)
        assert 0.0 <= m.confidence <= 1.0
        if m.point is None:
            assert m.status == "unresolved" and m.confidence == 0.0
            continue
        foreign = "well-known place abroad" in m.reason or m.feature_type in ("admin1", "admin2", "admin3")
        assert (m.status == "matched") == (m.confidence >= threshold and not foreign), (name, m.confidence, m.status)
        seen.add(m.status)
    assert seen == {"matched", "ambiguous"}


def test_confidence_follows_the_evidence(geocoder):
    exact = geocoder.resolve("Kansafrah", admin1="Idlib")
    misspelt = geocoder.resolve("Kansafrqh", admin1="Idlib")
    tied = geocoder.resolve("Ruwayhah")
    assert exact.confidence > misspelt.confidence and exact.confidence > tied.confidence
    assert exact.status == "matched" and tied.status == "ambiguous"


def test_features_have_the_models_shape(geocoder):
    m = Geocoder(confidence=None).resolve("Kafr Nabl", admin1="Idlib")
    x = features(geocoder.index, m, True)
    assert x.shape == (len(FEATURES),) and np.isfinite(x).all() and x.min() >= 0.0 and x.max() <= 1.0


def test_own_name_feature_tells_the_place_s_own_names_from_its_aliases(geocoder):
    rules = Geocoder(confidence=None)
    own = FEATURES.index("own_name")
    row = rules.index.row_of[rules.resolve("Kafranbel", admin1="Idlib").place_id]
    arabic = rules.index.name_ar[row]
    assert arabic  # the place has an Arabic name in the gazetteer
    values = {}
    for query in ("Kafranbel", "Kafr Nabl", arabic):
        m = rules.resolve(query, admin1="Idlib")
        assert rules.index.row_of[m.place_id] == row
        values[query] = features(rules.index, m, True)[own]
    # its Latin name and its Arabic name are its own; 'Kafr Nabl' reaches it through an alias
    assert values == {"Kafranbel": 1.0, "Kafr Nabl": 0.0, arabic: 1.0}


def test_min_confidence_picks_another_threshold(geocoder):
    df = pd.DataFrame({"location": _names(geocoder, 60)})
    default = conflictmap.geocode(df, geocoder=geocoder)
    assert "match_confidence" in default.columns and len(default) == len(df)
    assert (default.loc[default.match_status == "unresolved", "match_confidence"] == 0.0).all()
    strict = conflictmap.geocode(df, geocoder=geocoder, min_confidence=1.0)
    assert (strict.match_status != "matched").all()
    loose = conflictmap.geocode(df, geocoder=geocoder, min_confidence=0.0)
    has_point = loose.latitude.notna()
    assert (loose.match_status[has_point] == "matched").sum() >= (default.match_status == "matched").sum()
    assert (loose.match_status[has_point & (loose.location != "Paris")] == "matched").all()
    with pytest.raises(InputError, match="min_confidence"):
        conflictmap.geocode(df, geocoder=geocoder, min_confidence=1.5)
    with pytest.raises(InputError, match="min_confidence"):
        geocoder.resolve("Kafr Nabl", min_confidence="high")


def test_without_the_model_the_rules_decide(geocoder):
    rules = Geocoder(confidence=None)
    m = rules.resolve("Kansafra", admin1="Idlib")
    assert m.status == "matched" and m.confidence == 0.0


def test_the_confidence_reaches_geopy_and_the_service(geocoder):
    from conflictmap.service.lookup import LookupService, SearchQuery

    loc = geocoder.geocode("Kansafra", admin1="Idlib")
    assert loc.raw["match_confidence"] == geocoder.resolve("Kansafra", admin1="Idlib").confidence > 0.9
    assert geocoder.reverse((35.6594, 36.4855)).raw["match_confidence"] is None
    places = LookupService(geocoder).search(SearchQuery(text="Kansafra", admin1="Idlib", limit=1))
    assert places[0].match_confidence == pytest.approx(loc.raw["match_confidence"])


def test_an_admin_area_named_by_its_level_keeps_the_rules_status(geocoder):
    rules = Geocoder(confidence=None)
    for query in ("Daraa province", "Idlib governorate"):
        m = geocoder.resolve(query)
        assert m.feature_type == "admin1" and m.status == rules.resolve(query).status == "matched"
        assert 0.0 < m.confidence < 1.0


def test_the_threshold_is_the_lowest_that_keeps_every_main_run_at_most_that_wrong():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import train_confidence as T

    rng = np.random.default_rng(0)
    frames = []
    for source in T.SOURCES:
        for mode in T.MAIN_RUNS[source]:
            n = 400
            right = rng.random(n) < 0.8
            frames.append(pd.DataFrame({"source": source, "mode": mode, "right": right, "has_point": True}))
    rows = pd.concat(frames, ignore_index=True)
    # wrong answers get low confidence except a few: the threshold must climb above those
    conf = np.where(rows.right, 0.6 + 0.4 * rng.random(len(rows)), 0.5 * rng.random(len(rows)))
    conf[np.flatnonzero(~rows.right.to_numpy())[:30]] = 0.97
    t = T.choose_threshold(rows, conf, T.SOURCES, 2.0)
    for source in T.SOURCES:
        for run in T.main_runs(rows, source):
            assert T.figures(run, conf[run.index] >= t)["matched wrong"] <= 2.0
    lower = T.THRESHOLDS[T.THRESHOLDS < t]
    if len(lower):
        worse = [T.figures(run, conf[run.index] >= lower[-1])["matched wrong"]
                 for s in T.SOURCES for run in T.main_runs(rows, s)]
        assert max(worse) > 2.0


def test_a_correction_is_matched_whatever_the_model_says(tmp_path):
    """The analyst's own decision is never demoted by the confidence threshold (nor by min_confidence)."""
    import conflictmap as cm

    fixes = tmp_path / "fixes.csv"
    fixes.write_text("name,admin1,place_id,note\ncountryside of Saraqib,Idlib,ocha:SY070003,checked\n", encoding="utf-8")
    plain = cm.Geocoder().resolve("countryside of Saraqib", admin1="Idlib")
    assert plain.status != "matched" or plain.confidence < 1.0  # the model alone is not sure
    fixed = cm.Geocoder(corrections=fixes)
    for min_confidence in (None, 0.999):
        match = fixed.resolve("countryside of Saraqib", admin1="Idlib", min_confidence=min_confidence)
        assert (match.status, match.method, match.place_id, match.confidence) == (
            "matched", "correction", "ocha:SY070003", 1.0)


def _train_confidence():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import train_confidence as T

    return T


def test_several_cross_validations_read_one_threshold_on_the_mean_of_their_wrong_shares():
    """Each fold assignment alone would pick its own threshold; read together, the mean wrong share
    of every main run must hold, so the threshold lies between the assignments' own."""
    T = _train_confidence()
    rng = np.random.default_rng(1)
    frames = [pd.DataFrame({"source": s, "mode": m, "right": rng.random(500) < 0.8, "has_point": True})
              for s in T.SOURCES for m in T.MAIN_RUNS[s]]
    rows = pd.concat(frames, ignore_index=True)
    base = np.where(rows.right, 0.6 + 0.3 * rng.random(len(rows)), 0.5 * rng.random(len(rows)))
    wrong = np.flatnonzero(~rows.right.to_numpy())
    strict, lax = base.copy(), base.copy()
    strict[wrong[::4]] = 0.95  # one assignment puts many wrong answers high: only a high threshold holds
    lax[wrong[::40]] = 0.95
    t_strict = T.choose_threshold(rows, strict, T.SOURCES, 2.0)
    t_lax = T.choose_threshold(rows, lax, T.SOURCES, 2.0)
    t_both = T.choose_threshold(rows, [strict, lax], T.SOURCES, 2.0)
    assert t_lax < t_both <= t_strict
    for run in (r for s in T.SOURCES for r in T.main_runs(rows, s)):
        shares = [T.figures(run, c[run.index] >= t_both)["matched wrong"] for c in (strict, lax)]
        assert np.mean(shares) <= 2.05


def test_a_shuffled_cross_validation_keeps_every_run_of_an_input_row_in_one_fold(monkeypatch):
    T = _train_confidence()
    rng = np.random.default_rng(2)
    frames = []
    for source in T.SOURCES:
        for mode in ("hint", "no hint"):
            frames.append(pd.DataFrame({"source": source, "mode": mode, "right": rng.random(60) < 0.7,
                                        "has_point": True, **{f: rng.random(60) for f in T.FEATURES}}))
    rows = pd.concat(frames, ignore_index=True)
    seen: list[np.ndarray] = []

    def fit(train, kind="trees"):
        seen.append(train.index.to_numpy())
        return None

    monkeypatch.setattr(T, "fit", fit)
    monkeypatch.setattr(T, "confidences", lambda test, model: np.full(len(test), 0.5))
    groups = rows.source + ":" + rows.groupby(["source", "mode"]).cumcount().astype(str)
    splits = {}
    for repeat in (1, 2):  # (repeat 0 is scikit-learn's GroupKFold, a build-time dependency)
        seen.clear()
        T.cross_validated(rows, "trees", repeat=repeat)
        assert len(seen) == T.FOLDS
        held_out = [np.setdiff1d(rows.index, train) for train in seen]
        assert sorted(np.concatenate(held_out).tolist()) == rows.index.tolist()  # every row held out once
        for test in held_out:  # a row's runs are held out together
            assert set(groups[test]).isdisjoint(set(groups.drop(test)))
        splits[repeat] = [frozenset(t.tolist()) for t in held_out]
    assert set(splits[1]) != set(splits[2])
