"""Run the examples in every module's docstrings (numpy-style docstrings with runnable examples)."""

import doctest
import importlib
import pkgutil

import pytest

import conflictmap

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(conflictmap.__path__, prefix="conflictmap.")
    if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {module_name}"


def test_package_is_the_installed_one():
    """Under `make test` the suite runs against the installed wheel, not the checkout."""
    import os
    from pathlib import Path

    if not os.environ.get("CONFLICTMAP_EXPECT_INSTALLED"):
        pytest.skip("not running under `make test`")
    location = Path(conflictmap.__file__).resolve()
    assert "site-packages" in location.parts, location
    assert (location.parent / "data" / "places.parquet").exists()
    assert any((location.parent / "data" / "vendor").iterdir())
