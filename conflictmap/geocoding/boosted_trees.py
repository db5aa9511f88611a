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
        depths = [_check(i, tree, n_features) for i, tree in enumerate(trees)]
        self.sizes = [len(tree["value"]) for tree in trees]
        n, width = len(trees), max(self.sizes)
        self.feature = np.zeros((n, width), dtype=np.int64)
        self.threshold = np.zeros((n, width))
        self.left = np.full((n, width), -1, dtype=np.int64)
        self.right = np.full((n, width), -1, dtype=np.int64)
        self.value = np.zeros((n, width))
        for i, (tree, size) in enumerate(zip(trees, self.sizes)):
            for name in _FIELDS:
                getattr(self, name)[i, :size] = tree[name]
        self.leaf = self.left < 0
        self.feature[self.leaf] = 0  # never read: a leaf does not split
        self.depth = max(depths)
        self.baseline = float(baseline)
        self.n_features = int(n_features)
        self._rows = np.arange(n)

    def raw(self, x: np.ndarray) -> float:
        """The log-odds of one feature vector: the baseline plus the leaf each tree sends it to."""
        node = np.zeros(len(self._rows), dtype=np.int64)
        rows = self._rows
        for _ in range(self.depth):
            go_left = x[self.feature[rows, node]] <= self.threshold[rows, node]
            step = np.where(go_left, self.left[rows, node], self.right[rows, node])
            node = np.where(self.leaf[rows, node], node, step)
        return self.baseline + float(self.value[rows, node].sum())

    def as_json(self) -> list[dict[str, list]]:
        """The trees as :class:`BoostedTrees` reads them (for the training script)."""
        out = []
        for i, size in enumerate(self.sizes):
            out.append({name: getattr(self, name)[i, :size].tolist() for name in _FIELDS})
        return out


def _check(i: int, tree: Any, n_features: int) -> int:
    """Refuse a tree whose lists disagree or whose indices leave it; return its depth."""
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
    return int(depth.max())
