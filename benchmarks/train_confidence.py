"""Train the ``match_confidence`` model (``make models``) and validate it leave-one-source-out.

Reads the three development sets of ``../shared/eval`` (never shipped) through the runs of
``eval_geocoder.py``, resolves every row with the hand rules only (``Geocoder(confidence=None)``),
takes the features of each answer that has a point (:func:`conflictmap.geocoding.confidence.features`)
and whether it lies within tolerance of the published point, and fits gradient-boosted trees
(scikit-learn's HistGradientBoostingClassifier, fixed seed, no early stopping: deterministic;
``--model logistic`` fits the logistic regression used before, for comparison).

The ``matched`` threshold is the lowest confidence at which every set's main hinted runs stay at
or under ``--max-wrong`` % of rows matched but wrong, read on *cross-validated* confidences: five
folds, each input row in one fold with all its runs, each fold scored by a model trained on the
other four. A threshold read on the training rows' own confidences promises too much (the model
has seen those rows); this one holds on rows it never saw. One assignment of rows to folds alone
moves that threshold between 0.920 and 0.940, so it is read on ``--repeats`` assignments together
(the mean of their wrong shares must hold). The shipped model is then trained on every row.

Printed beside the hand rules' figures: in-sample (the shipped model at that threshold), the
cross-validated figures (what to expect on new rows of these sources) and leave-one-source-out
(a model and threshold fitted on two sources, applied to the third).

Writes ``conflictmap/data/match_confidence.json`` (the trees, the threshold, the figures).

Usage::

    python benchmarks/train_confidence.py [--shared ../shared] [--max-wrong 2.0] [--model trees|logistic]
                                          [--repeats 5] [--out PATH] [--check]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_geocoder import evaluate, load_sets  # noqa: E402

from conflictmap import Geocoder  # noqa: E402
from conflictmap.geocoding.confidence import FEATURES, MODEL_FILE, Calibrator, features  # noqa: E402

log = logging.getLogger("train_confidence")

SOURCES = ("airwars", "ucdp", "acled")
#: the runs whose matched-but-wrong share the threshold must hold (what a user runs: every hint the table has)
MAIN_RUNS = {"airwars": ("hint", "Latin+Arabic + hint"), "ucdp": ("hint",), "acled": ("hint",)}
C = 1.0
#: the boosted trees (chosen by cross-validated matched-and-right at 2 % wrong on every set; see README)
TREES = {"max_iter": 100, "learning_rate": 0.05, "max_depth": 4, "min_samples_leaf": 50}
#: the trees may only raise the confidence with these features (1) or only lower it (-1): evidence
#: counts the same way on a source the model never saw (leave-one-source-out: Airwars 4.3% -> 2.9% wrong)
MONOTONE = {**dict.fromkeys(("score", "margin", "name_spelling", "own_name", "exact_alias", "rule_matched", "population",
                             "script_both", "rm_exact_alias", "rm_score", "rm_margin", "rm_name_spelling",
                             "rm_script_both"), 1),
            **dict.fromkeys(("rivals_strong", "outside_hint", "fuzzy_skeleton", "common_name", "city_not_named",
                             "single_source", "rm_rivals_strong"), -1)}
SEED = 0
FOLDS = 5
REPEATS = 5  # fold assignments of the cross-validation the threshold is read on (their median)
THRESHOLDS = np.round(np.arange(0.50, 0.995, 0.001), 3)


def collect(shared: Path) -> pd.DataFrame:
    """One row per (source, run, input row): the features, whether it is right, status and point."""
    g = Geocoder(confidence=None)
    frames = []
    for source, (df, runs) in load_sets(shared, set(SOURCES)).items():
        for mode, col, hint, ar in runs:
            if ar and ar not in df.columns:
                continue
            data = df[df[ar] != ""] if ar and not col else df
            res = evaluate(g, data, col, hint, ar, keep_matches=True)
            has_point = res["match"].map(lambda m: m.point is not None)
            x = np.zeros((len(res), len(FEATURES)))
            for i, (m, hinted) in enumerate(zip(res["match"], res["hinted"])):
                if m.point is not None:
                    x[i] = features(g.index, m, int(hinted))
            frame = pd.DataFrame(x, columns=list(FEATURES))
            frame["source"], frame["mode"] = source, mode
            frame["has_point"] = has_point.to_numpy()
            frame["right"] = (res.km <= res.tol).to_numpy()
            frame["rule_status"] = res.status.to_numpy()
            frames.append(frame)
            log.info("%-8s %-22s %5d rows", source, mode, len(frame))
    return pd.concat(frames, ignore_index=True)


def fit(rows: pd.DataFrame, kind: str = "trees") -> Any:
    """A fitted scikit-learn classifier of ``right`` from the features of the rows with a point."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    train = rows[rows.has_point]
    if kind == "logistic":
        model = LogisticRegression(C=C, max_iter=5000, solver="lbfgs")
    else:
        model = HistGradientBoostingClassifier(**TREES, early_stopping=False, random_state=SEED,
                                               monotonic_cst=[MONOTONE.get(f, 0) for f in FEATURES])
    model.fit(train[list(FEATURES)].to_numpy(), train.right.to_numpy().astype(int))
    return model


def confidences(rows: pd.DataFrame, model: Any) -> np.ndarray:
    """The model's confidence per row (0 for an answer without a point)."""
    conf = model.predict_proba(rows[list(FEATURES)].to_numpy())[:, 1]
    return np.where(rows.has_point.to_numpy(), conf, 0.0)


def cross_validated(rows: pd.DataFrame, kind: str, folds: int = FOLDS, repeat: int = 0) -> np.ndarray:
    """Each row's confidence from a model that did not see it: ``folds`` folds, every run of one
    input row in the same fold. Repeat 0 splits as scikit-learn's GroupKFold does; repeat ``r > 0``
    deals the input rows to the folds in an order shuffled with seed ``r`` (deterministic)."""
    groups = (rows.source + ":" + rows.groupby(["source", "mode"]).cumcount().astype(str)).to_numpy()
    out = np.zeros(len(rows))
    if repeat == 0:
        from sklearn.model_selection import GroupKFold

        splits = list(GroupKFold(n_splits=folds).split(rows, groups=groups))
    else:
        names, inverse = np.unique(groups, return_inverse=True)
        fold_of = np.random.default_rng(repeat).permutation(len(names)) % folds
        splits = [(np.flatnonzero(fold_of[inverse] != k), np.flatnonzero(fold_of[inverse] == k)) for k in range(folds)]
    for train, test in splits:
        model = fit(rows.iloc[train], kind)
        out[test] = confidences(rows.iloc[test], model)
    return out


def repeated_threshold(rows: pd.DataFrame, kind: str, sources: tuple[str, ...], max_wrong: float,
                       repeats: int) -> tuple[float, list[float], list[np.ndarray]]:
    """The threshold read on ``repeats`` fold assignments of the cross-validation together (the mean
    of their wrong shares must hold), each assignment's own threshold, and each one's confidences.

    One assignment alone moves the threshold by up to 0.02 (0.920 to 0.940 on the development sets;
    0.005 moves Airwars' matched rows by about four points): the promise rests on all of them."""
    oofs = [cross_validated(rows, kind, repeat=r) for r in range(repeats)]
    each = [choose_threshold(rows, oof, sources, max_wrong) for oof in oofs]
    return choose_threshold(rows, oofs, sources, max_wrong), each, oofs


def as_json(model: Any, kind: str) -> dict[str, Any]:
    """The model as ``Calibrator.load`` reads it; checked against scikit-learn's own answers."""
    if kind == "logistic":
        return {"kind": "logistic", "coef": [round(float(c), 6) for c in model.coef_[0]],
                "intercept": round(float(model.intercept_[0]), 6)}
    trees = []
    for (predictor,) in model._predictors:  # one tree per boosting round (binary classification)
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append({"feature": [int(f) if not lf else -1 for f, lf in zip(nodes["feature_idx"], leaf)],
                      "threshold": [float(t) if not lf else 0.0 for t, lf in zip(nodes["num_threshold"], leaf)],
                      "left": [int(v) if not lf else -1 for v, lf in zip(nodes["left"], leaf)],
                      "right": [int(v) if not lf else -1 for v, lf in zip(nodes["right"], leaf)],
                      "value": [float(v) if lf else 0.0 for v, lf in zip(nodes["value"], leaf)]})
    baseline = float(np.ravel(model._baseline_prediction)[0])
    return {"kind": "trees", "baseline": baseline, "trees": trees}


def figures(rows: pd.DataFrame, matched: np.ndarray) -> dict[str, float]:
    n = max(len(rows), 1)
    right = rows.right.to_numpy()
    return {"matched within": round(100 * (matched & right).sum() / n, 1),
            "matched wrong": round(100 * (matched & ~right).sum() / n, 1), "rows": int(len(rows))}


def main_runs(rows: pd.DataFrame, source: str) -> list[pd.DataFrame]:
    return [rows[(rows.source == source) & (rows["mode"] == mode)] for mode in MAIN_RUNS[source]]


def choose_threshold(rows: pd.DataFrame, conf: np.ndarray | list[np.ndarray], sources: tuple[str, ...],
                     max_wrong: float) -> float:
    """The lowest threshold at which every main run of ``sources`` is at most ``max_wrong`` % wrong;
    given several confidences per row (repeats of the cross-validation), the mean of their wrong shares."""
    confs = [np.asarray(c) for c in (conf if isinstance(conf, list) else [conf])]
    runs = [(rows.index.get_indexer(run.index), ~run.right.to_numpy(), max(len(run), 1))
            for s in sources for run in main_runs(rows, s)]
    for t in THRESHOLDS:
        if all(np.mean([100 * ((c[idx] >= t) & wrong).sum() / n for c in confs]) <= max_wrong + 0.05
               for idx, wrong, n in runs):
            return float(t)
    return float(THRESHOLDS[-1])


def reliability(right: np.ndarray, conf: np.ndarray) -> list[tuple[str, int, float, float]]:
    bins = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1.0001)
    out = []
    for lo, hi in zip(bins[:-1], bins[1:]):
        sel = (conf >= lo) & (conf < hi)
        if sel.any():
            out.append((f"{lo:.2f}-{min(hi, 1.0):.2f}", int(sel.sum()), round(float(conf[sel].mean()), 3),
                        round(float(right[sel].mean()), 3)))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--max-wrong", type=float, default=2.0,
                        help="%% of rows matched but wrong allowed on each main run (the promise matched makes)")
    parser.add_argument("--model", choices=("trees", "logistic"), default="trees")
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--repeats", type=int, default=REPEATS,
                        help="fold assignments whose thresholds' median is taken (default %(default)s)")
    parser.add_argument("--check", action="store_true", help="train and print, write nothing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("conflictmap").setLevel(logging.WARNING)
    rows = collect(args.shared)
    kind = args.model
    threshold, each, oofs = repeated_threshold(rows, kind, SOURCES, args.max_wrong, args.repeats)
    model = fit(rows, kind)
    conf = confidences(rows, model)
    report: dict[str, dict] = {}
    log.info("\n%s model; threshold %.3f (read on %d repeats of %d-fold cross-validation together; each alone: %s)\n%-28s %-12s %-12s %-12s %-22s",
             kind, threshold, args.repeats, FOLDS, " ".join(f"{t:.3f}" for t in each),
             "run", "rules", "in-sample", "cross-val.", "leave-one-source-out")
    loso_matched = np.zeros(len(rows), dtype=bool)
    loso_threshold = {}
    for held in SOURCES:
        others = tuple(s for s in SOURCES if s != held)
        train = rows[rows.source.isin(others)]
        m_o = fit(train, kind)
        t_o = repeated_threshold(train, kind, others, args.max_wrong, args.repeats)[0]
        sel = (rows.source == held).to_numpy()
        loso_matched[sel] = confidences(rows[sel], m_o) >= t_o
        loso_threshold[held] = t_o
    for source in SOURCES:
        for mode in MAIN_RUNS[source]:
            run = rows[(rows.source == source) & (rows["mode"] == mode)]
            idx = run.index.to_numpy()
            rules = figures(run, (run.rule_status == "matched").to_numpy())
            inside = figures(run, conf[idx] >= threshold)
            cvs = [figures(run, oof[idx] >= threshold) for oof in oofs]  # the mean over the repeats
            cv = {k: round(float(np.mean([c[k] for c in cvs])), 1) for k in ("matched within", "matched wrong")}
            loso = figures(run, loso_matched[idx])
            label = f"{source}, {mode}"
            report[label] = {"rules": rules, "in-sample": inside, "cross-validated": cv,
                             "leave-one-source-out": loso, "loso threshold": loso_threshold[source]}
            log.info("%-28s %-12s %-12s %-12s %-22s", label, f"{rules['matched within']}/{rules['matched wrong']}",
                     f"{inside['matched within']}/{inside['matched wrong']}",
                     f"{cv['matched within']}/{cv['matched wrong']}",
                     f"{loso['matched within']}/{loso['matched wrong']} (t={loso_threshold[source]:.3f})")
    log.info("(matched and within / matched but wrong, %% of rows)")
    for source in SOURCES:
        sel = (rows.source == source).to_numpy() & rows.has_point.to_numpy()
        log.info("reliability, %s, cross-validated, all repeats (band, answers, mean confidence, share right):", source)
        for band in reliability(np.tile(rows.right.to_numpy()[sel], len(oofs)), np.concatenate([oof[sel] for oof in oofs])):
            log.info("  %s %6d %7.3f %7.3f", *band)
    exported = as_json(model, kind)
    calibrator = Calibrator.load_dict(exported | {"features": list(FEATURES), "threshold": threshold})
    ours = np.array([calibrator.confidence(x) for x in rows.loc[rows.has_point, list(FEATURES)].to_numpy()])
    drift = float(np.abs(ours - conf[rows.has_point.to_numpy()]).max())
    if drift > 1e-6:
        raise SystemExit(f"the exported model disagrees with scikit-learn's by {drift:.2e}: not written")
    log.info("the exported model gives scikit-learn's confidences (largest difference %.1e)", drift)
    if args.check:
        return 0
    out = {"features": list(FEATURES), **exported, "threshold": threshold,
           "meta": {"trained_on": list(SOURCES), "rows": int(rows.has_point.sum()), "model": kind,
                    "params": TREES if kind == "trees" else {"C": C}, "seed": SEED, "folds": FOLDS, "repeats": args.repeats,
                    "repeat_thresholds": each,
                    "max_wrong_percent": args.max_wrong, "figures": report,
                    "script": "benchmarks/train_confidence.py"}}
    args.out.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    Calibrator.load(args.out)  # it loads back
    log.info("wrote %s (%d bytes)", args.out, args.out.stat().st_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
