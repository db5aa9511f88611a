"""Public names of a package loaded on first use, so that importing the package stays light.

A package lists its names and the module each lives in, then takes the module-level
``__getattr__`` and ``__dir__`` this makes (PEP 562). A module is named relative to the package
("model" in ``conflictmap.zones`` is ``conflictmap.zones.model``) or in full. A name is looked up
once: it is then kept in the package's namespace.

Examples
--------
>>> ns = {}
>>> getattr_, dir_ = lazy_exports("json", {"dumps": "json", "JSONDecoder": "decoder"}, ns)
>>> getattr_("dumps")({"a": 1}), getattr_("JSONDecoder").__module__, "dumps" in ns
('{"a": 1}', 'json.decoder', True)
>>> dir_()
['JSONDecoder', 'dumps']
>>> getattr_("nothing")
Traceback (most recent call last):
...
AttributeError: module 'json' has no attribute 'nothing'
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping, MutableMapping


def lazy_exports(package: str, exports: Mapping[str, str], namespace: MutableMapping[str, Any],
                 extra: tuple[str, ...] = ()) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose public names are the keys of ``exports``.

    Parameters
    ----------
    package : the package's ``__name__``
    exports : public name -> module that defines it (relative to ``package``, or in full)
    namespace : the package's ``globals()``, where a name is kept once looked up
    extra : names the package defines itself, listed by ``__dir__`` too
    """
    names = sorted(exports) + list(extra)

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if module != package and not module.startswith(package + "."):
            module = f"{package}.{module}"
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return names

    return __getattr__, __dir__
