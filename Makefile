# conflictmap: one command to set up and run the demo map, one to set up and run every test.
#
#   make demo   -> .venv with conflictmap installed, then out/demo_map.html (example events + zones)
#   make test   -> the same set-up plus test tools and Debian's chromium, then the whole test suite
#
# Works from a clean clone: Python 3.10+ with venv is all it needs (apt-get is used, as root, only to
# install chromium for the browser tests when it is missing).

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip
OUT    ?= out

.PHONY: demo test setup setup-test assets chromium kernel gazetteer models bench clean

demo: setup
	$(PY) -m conflictmap.demo $(OUT)/demo_map.html

test: setup-test
	CONFLICTMAP_EXPECT_INSTALLED=1 $(VENV)/bin/pytest

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# front-end assets (leaflet, ...) from the npm registry, pinned and checked, bundled into the wheel
assets: $(VENV)/bin/python
	$(PY) -m conflictmap.assets fetch

# install the package as a built wheel (not editable), so tests run against what users install
setup: assets
	$(PIP) install --quiet ".[excel]"

setup-test: assets chromium
	$(PIP) install --quiet ".[test]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# rebuild the compiled gazetteer from ../shared/data (maintainers only)
gazetteer: $(VENV)/bin/python
	$(PY) gazetteer/build.py --shared ../shared

# retrain the match_confidence model from ../shared/eval (maintainers only; scikit-learn at build time)
models: $(VENV)/bin/python
	$(PIP) install --quiet ".[models]"
	$(PY) benchmarks/train_confidence.py --shared ../shared

bench: setup-test
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info $(OUT) test-artifacts
