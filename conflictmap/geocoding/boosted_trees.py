"""Gradient-boosted regression trees read from plain JSON and applied with numpy.

``benchmarks/train_confidence.py`` fits scikit-learn's ``HistGradientBoostingClassifier`` at build
time and writes its trees as lists of numbers; this module reads them back, checks every index in
them (the file is data: a bad one is refused, never trusted), and sums the leaves a feature vector
reaches: the log-odds the classifier would give. No pickle, no scikit-learn at run time.

A tree is five lists of one length, its nodes: ``feature`` and ``threshold`` of a split (a value
``<= threshold`` goes ``left``), ``left`` and ``right`` child indices (``-1`` in a leaf) and
``value`` (what a leaf adds). Children come after their parent, so walking a tree always ends.

Examples
--------
>>> stump = {"feature": [0, -1, -1], "threshold": [0.5, 0.0, 0.0], "left": [1, -1, -1],
...          "right": [2, -1, -1], "value": [0.0, -1.0, 2.0]}
>>> model = BoostedTrees([stump], baseline=0.25, n_features=1)
>>> model.raw(np.array([0.2])), model.raw(np.array([0.9]))
(-0.75, 2.25)
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

__all__ = ["BoostedTrees"]

_FIELDS = ("feature", "threshold", "left", "right", "value")


class BoostedTrees:
    """Trees whose leaves add up to a log-odds.

    Parameters
    ----------
    trees : one mapping per tree with the lists ``feature``, ``threshold``, ``left``, ``right``,
        ``value`` (see the module docstring)
    baseline : the log-odds before any tree
    n_features : the length of the feature vectors the trees split on
    """

    def __init__(self, trees: Sequence[dict[str, Any]], baseline: float, n_features: int):
        if not isinstance(trees, (list, tuple)) or not trees:
            raise ValueError("the model has no trees")
        checked = [_check(i, tree, n_features) for i, tree in enumerate(trees)]
        self.sizes = [len(tree["value"]) for _, tree in checked]
        self.baseline = float(baseline)
        self.n_features = int(n_features)
        self.depth = max(depth for depth, _ in checked)
        # every tree's nodes in one flat array; a leaf points to itself, so ``depth`` steps from
        # each root land every tree on a leaf
        starts = np.cumsum([0, *self.sizes[:-1]]).astype(np.int64)
        cols = {name: np.concatenate([tree[name] for _, tree in checked]) for name in _FIELDS}
        self._cols = cols
        leaf = cols["left"] < 0
        offset = np.repeat(starts, self.sizes)
        here = np.arange(len(leaf))
        self._feature = np.where(leaf, 0, cols["feature"]).astype(np.int64)
        self._threshold = np.where(leaf, np.inf, cols["threshold"])
        self._left = np.where(leaf, here, cols["left"] + offset).astype(np.int64)
        self._right = np.where(leaf, here, cols["right"] + offset).astype(np.int64)
        self._value = cols["value"]
        self._roots = starts

    def raw(self, x: np.ndarray) -> float:
        """The log-odds of one feature vector: the baseline plus the leaf each tree sends it to."""
        node = self._roots
        for _ in range(self.depth):
            node = np.where(x[self._feature[node]] <= self._threshold[node], self._left[node], self._right[node])
        return self.baseline + float(self._value[node].sum())

    def as_json(self) -> list[dict[str, list]]:
        """The trees as :class:`BoostedTrees` reads them (for the training script)."""
        bounds = np.cumsum([0, *self.sizes])
        return [{name: self._cols[name][a:b].tolist() for name in _FIELDS} for a, b in zip(bounds[:-1], bounds[1:])]


def _check(i: int, tree: Any, n_features: int) -> tuple[int, dict[str, np.ndarray]]:
    """Refuse a tree whose lists disagree or whose indices leave it; return its depth and its lists
    as float arrays."""
    if not isinstance(tree, dict):
        raise ValueError(f"tree {i}: must be a mapping of the lists {', '.join(_FIELDS)}")
    try:
        cols = {name: np.asarray(tree[name], dtype=float) for name in _FIELDS}
    except KeyError as exc:
        raise ValueError(f"tree {i}: needs the lists {', '.join(_FIELDS)}") from exc
    except (TypeError, ValueError) as exc:
        raise ValueError(f"tree {i}: holds something that is not a finite number") from exc
    size = len(cols["value"])
    if size == 0 or any(c.ndim != 1 or len(c) != size for c in cols.values()):
        raise ValueError(f"tree {i}: its lists {', '.join(_FIELDS)} must have one, equal, length")
    if not all(np.isfinite(c).all() for c in cols.values()):
        raise ValueError(f"tree {i}: holds something that is not a finite number")
    left, right, feature = cols["left"], cols["right"], cols["feature"]
    split = (left != -1) | (right != -1)
    node = np.arange(size)
    for name, child in (("left", left), ("right", right)):
        bad = split & ((child <= node) | (child >= size) | (child != np.round(child)))
        if bad.any():
            at = int(np.flatnonzero(bad)[0])
            raise ValueError(f"tree {i}, node {at}: children {left[at]:g}, {right[at]:g} must come after it, "
                             "inside the tree")
    bad = split & ((feature < 0) | (feature >= n_features) | (feature != np.round(feature)))
    if bad.any():
        at = int(np.flatnonzero(bad)[0])
        raise ValueError(f"tree {i}, node {at}: feature {feature[at]:g} is not one of the {n_features}")
    depth = np.zeros(size, dtype=np.int64)
    for at in np.flatnonzero(split):  # parents come first: one pass gives every depth
        depth[int(left[at])] = depth[int(right[at])] = depth[at] + 1
    return int(depth.max()), cols
