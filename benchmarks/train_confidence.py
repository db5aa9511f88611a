"""Train the ``match_confidence`` model (``make models``) and validate it leave-one-source-out.

Reads the three development sets of ``../shared/eval`` (never shipped) through the runs of
``eval_geocoder.py``, resolves every row with the hand rules only (``Geocoder(confidence=None)``),
takes the features of each answer that has a point (:func:`conflictmap.geocoding.confidence.features`)
and whether it lies within tolerance of the published point, and fits a logistic regression
(scikit-learn, lbfgs: deterministic). The ``matched`` threshold is the lowest confidence at which
every set's main hinted runs stay at or under ``--max-wrong`` % of rows matched but wrong.

Leave-one-source-out: for each source, a model and threshold fitted on the other two are applied to
it; its figures are printed beside the in-sample ones and beside the hand rules' figures.

Writes ``conflictmap/data/match_confidence.json`` (coefficients, intercept, threshold, the figures).

Usage::

    python benchmarks/train_confidence.py [--shared ../shared] [--max-wrong 2.0] [--out PATH] [--check]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

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
                    x[i] = features(g.index, m, bool(hinted))
            frame = pd.DataFrame(x, columns=list(FEATURES))
            frame["source"], frame["mode"] = source, mode
            frame["has_point"] = has_point.to_numpy()
            frame["right"] = (res.km <= res.tol).to_numpy()
            frame["rule_status"] = res.status.to_numpy()
            frames.append(frame)
            log.info("%-8s %-22s %5d rows", source, mode, len(frame))
    return pd.concat(frames, ignore_index=True)


def fit(rows: pd.DataFrame) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    train = rows[rows.has_point]
    model = LogisticRegression(C=C, max_iter=5000, solver="lbfgs")
    model.fit(train[list(FEATURES)].to_numpy(), train.right.to_numpy().astype(int))
    return model.coef_[0], float(model.intercept_[0])


def confidences(rows: pd.DataFrame, coef: np.ndarray, intercept: float) -> np.ndarray:
    z = rows[list(FEATURES)].to_numpy() @ coef + intercept
    return np.where(rows.has_point.to_numpy(), 1.0 / (1.0 + np.exp(-z)), 0.0)


def figures(rows: pd.DataFrame, matched: np.ndarray) -> dict[str, float]:
    n = max(len(rows), 1)
    right = rows.right.to_numpy()
    return {"matched within": round(100 * (matched & right).sum() / n, 1),
            "matched wrong": round(100 * (matched & ~right).sum() / n, 1), "rows": int(len(rows))}


def main_runs(rows: pd.DataFrame, source: str) -> list[pd.DataFrame]:
    return [rows[(rows.source == source) & (rows["mode"] == mode)] for mode in MAIN_RUNS[source]]


def choose_threshold(rows: pd.DataFrame, conf: np.ndarray, sources: tuple[str, ...], max_wrong: float) -> float:
    """The lowest threshold at which every main run of ``sources`` is at most ``max_wrong`` % wrong."""
    conf_s = pd.Series(conf, index=rows.index)
    for t in THRESHOLDS:
        if all(figures(run, (conf_s[run.index] >= t).to_numpy())["matched wrong"] <= max_wrong
               for s in sources for run in main_runs(rows, s)):
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
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--check", action="store_true", help="train and print, write nothing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("conflictmap").setLevel(logging.WARNING)
    rows = collect(args.shared)
    coef, intercept = fit(rows)
    conf = confidences(rows, coef, intercept)
    threshold = choose_threshold(rows, conf, SOURCES, args.max_wrong)
    report: dict[str, dict] = {}
    log.info("\nthreshold %.3f (in-sample)\n%-26s %-22s %-22s %-22s", threshold, "run", "rules", "in-sample",
             "leave-one-source-out")
    loso_conf = np.zeros(len(rows))
    loso_threshold = {}
    for held in SOURCES:
        others = tuple(s for s in SOURCES if s != held)
        train = rows[rows.source.isin(others)]
        c_o, i_o = fit(train)
        t_o = choose_threshold(train, confidences(train, c_o, i_o), others, args.max_wrong)
        sel = (rows.source == held).to_numpy()
        loso_conf[sel] = confidences(rows[sel], c_o, i_o) >= t_o
        loso_threshold[held] = t_o
    for source in SOURCES:
        for mode in MAIN_RUNS[source]:
            run = rows[(rows.source == source) & (rows["mode"] == mode)]
            idx = run.index.to_numpy()
            rules = figures(run, (run.rule_status == "matched").to_numpy())
            inside = figures(run, conf[idx] >= threshold)
            loso = figures(run, loso_conf[idx].astype(bool))
            label = f"{source}, {mode}"
            report[label] = {"rules": rules, "in-sample": inside, "leave-one-source-out": loso,
                             "loso threshold": loso_threshold[source]}
            log.info("%-26s %-22s %-22s %-22s", label, f"{rules['matched within']}/{rules['matched wrong']}",
                     f"{inside['matched within']}/{inside['matched wrong']}",
                     f"{loso['matched within']}/{loso['matched wrong']} (t={loso_threshold[source]:.3f})")
    log.info("(matched and within / matched but wrong, %% of rows)")
    for source in SOURCES:
        sel = (rows.source == source).to_numpy() & rows.has_point.to_numpy()
        log.info("reliability, %s (band, answers, mean confidence, share right):", source)
        for band in reliability(rows.right.to_numpy()[sel], conf[sel]):
            log.info("  %s %6d %7.3f %7.3f", *band)
    log.info("coefficients:\n%s", "\n".join(f"  {f:20s} {c:+.3f}" for f, c in zip(FEATURES, coef)))
    if args.check:
        return 0
    model = {"features": list(FEATURES), "coef": [round(float(c), 6) for c in coef],
             "intercept": round(intercept, 6), "threshold": threshold,
             "meta": {"trained_on": list(SOURCES), "rows": int(rows.has_point.sum()), "C": C,
                      "max_wrong_percent": args.max_wrong, "figures": report,
                      "script": "benchmarks/train_confidence.py"}}
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    Calibrator.load(args.out)  # it loads back
    log.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
