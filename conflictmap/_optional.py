"""Optional imports with an install hint (like geopandas' ``explore``)."""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import OptionalDependencyError


def import_optional(module: str, *, extra: str | None = None, purpose: str = "") -> ModuleType:
    """Import ``module`` or raise :class:`OptionalDependencyError` with an install hint.

    Examples
    --------
    >>> import_optional("json").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on environment
        raise OptionalDependencyError(module.split(".")[0], extra=extra, purpose=purpose) from exc
