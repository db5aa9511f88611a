"""Pinned front-end assets (Leaflet, jQuery, Bootstrap, Font Awesome, plugins) for offline maps.

The assets are npm packages pinned in ``conflictmap/data/vendor_assets.json`` to the versions
folium references, each with the npm registry's published sha512 ``integrity``. They are fetched
once, before the package is built, with::

    python -m conflictmap.assets fetch

into ``conflictmap/data/vendor/`` (not in git) and inlined into exported maps by
:func:`conflictmap.export.save_html`. This module only uses the standard library so that the fetch
step works from a bare checkout, before conflictmap's dependencies are installed.

Examples
--------
>>> url = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
>>> known_url(url)
True
>>> known_url("https://example.org/other.js")
False
>>> "leaflet" in manifest()["packages"]
True
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Sequence

from .errors import ExportError

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
MANIFEST_PATH = DATA_DIR / "vendor_assets.json"
VENDOR_DIR = DATA_DIR / "vendor"
_STAMP = "npm-integrity.txt"  # not a dot file: package-data globs skip those

_MIME = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
}
_URL_RE = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_FONT_FACE_RE = re.compile(r"@font-face\s*\{[^}]*\}")
_SRC_DECL_RE = re.compile(r"src\s*:[^;}]*;?")


@dataclass(frozen=True)
class Asset:
    """One inlinable asset: ``kind`` is ``'js'`` or ``'css'``; ``text`` is self-contained."""

    url: str
    kind: str
    text: str


@functools.lru_cache(maxsize=1)
def manifest() -> dict:
    """The pinned asset manifest (packages with version and integrity, and URL map)."""
    with MANIFEST_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


def known_url(url: str) -> bool:
    """True if ``url`` (as written by folium) has a pinned offline copy."""
    return url in manifest()["urls"]


def package_dir(name: str) -> Path:
    """Folder of a fetched package under ``conflictmap/data/vendor/``.

    Examples
    --------
    >>> package_dir("@fortawesome/fontawesome-free").name
    '@fortawesome__fontawesome-free'
    """
    return VENDOR_DIR / name.replace("/", "__")


def is_fetched(name: str) -> bool:
    """True if package ``name`` was fetched with the integrity pinned in the manifest."""
    stamp = package_dir(name) / _STAMP
    try:
        return stamp.read_text(encoding="utf-8").strip() == manifest()["packages"][name]["integrity"]
    except OSError:
        return False


def missing_packages() -> list[str]:
    """Names of pinned packages not fetched (or fetched at another version)."""
    return [name for name in manifest()["packages"] if not is_fetched(name)]


def _integrity_of(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def _wanted(member: str, keep: Sequence[str]) -> str | None:
    """Path inside the package for a tar member we keep, else None (also refuses '..')."""
    parts = PurePosixPath(member).parts
    if len(parts) < 2 or parts[0] != "package" or ".." in parts:
        return None
    inner = "/".join(parts[1:])
    for prefix in keep:
        if inner == prefix or (prefix.endswith("/") and inner.startswith(prefix)):
            return inner
    return None


def _npm_pack(spec: str, dest: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise ExportError("npm is needed to fetch the pinned map assets (apt-get install npm)")
    cmd = [npm, "pack", spec, "--pack-destination", str(dest), "--silent", "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise ExportError(f"npm pack {spec} failed: {proc.stderr.strip()[-400:]}")
    tarballs = sorted(dest.glob("*.tgz"))
    if len(tarballs) != 1:
        raise ExportError(f"npm pack {spec} produced {len(tarballs)} tarballs")
    return tarballs[0]


def fetch_package(name: str, *, force: bool = False) -> Path:
    """Fetch one pinned package with npm, verify its sha512 integrity and unpack the kept files.

    The package folder is replaced atomically; an integrity mismatch raises ExportError and
    leaves the previous copy untouched.
    """
    spec = manifest()["packages"][name]
    target = package_dir(name)
    if not force and is_fetched(name):
        log.info("%s@%s already fetched", name, spec["version"])
        return target
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=VENDOR_DIR, prefix=".fetch-") as tmp:
        tmp_path = Path(tmp)
        tarball = _npm_pack(f"{name}@{spec['version']}", tmp_path)
        got = _integrity_of(tarball)
        if got != spec["integrity"]:
            raise ExportError(
                f"{name}@{spec['version']}: integrity mismatch (expected {spec['integrity']}, got {got})"
            )
        staging = tmp_path / "unpacked"
        staging.mkdir()
        with tarfile.open(tarball, "r:gz") as archive:
            for member in archive.getmembers():
                inner = _wanted(member.name, spec["keep"])
                if inner is None or not member.isfile():
                    continue
                out = staging / inner
                out.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                assert source is not None
                out.write_bytes(source.read())
        (staging / _STAMP).write_text(spec["integrity"] + "\n", encoding="utf-8")
        old = tmp_path / "old"
        if target.exists():
            os.replace(target, old)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging, target)
    log.info("fetched %s@%s", name, spec["version"])
    return target


def fetch_all(*, force: bool = False) -> list[str]:
    """Fetch every pinned package that is missing (all of them with ``force``); return names."""
    done = []
    for name in manifest()["packages"]:
        if force or not is_fetched(name):
            fetch_package(name, force=force)
            done.append(name)
    _read_asset.cache_clear()
    return done


def _rotate_css() -> str:
    """CSS for folium's rotated awesome-marker icons (``fa-rotate-N``), generated, not fetched."""
    rules = (
        f".fa-rotate-{deg}{{-webkit-transform:rotate({deg}deg);transform:rotate({deg}deg)}}"
        for deg in range(360)
    )
    return "\n".join(rules)


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _prefer_woff2(css: str) -> str:
    """In @font-face rules that offer woff2, keep only the woff2 source (every current browser)."""

    def fix(match: re.Match) -> str:
        block = match.group(0)
        woff2 = [m.group(2) for m in _URL_RE.finditer(block) if m.group(2).split("?")[0].endswith(".woff2")]
        if not woff2:
            return block
        replaced = _SRC_DECL_RE.sub("", block)
        return replaced[:-1].rstrip().rstrip(";") + f';src:url("{woff2[0]}") format("woff2")}}'

    return _FONT_FACE_RE.sub(fix, css)


def inline_css_urls(css: str, base: Path) -> str:
    """Replace relative ``url(...)`` references in ``css`` with data URIs of files under ``base``."""

    def repl(match: re.Match) -> str:
        ref = match.group(2).strip()
        if ref.startswith(("data:", "#")) or re.match(r"^[a-z]+://", ref):
            return match.group(0)
        rel = ref.split("#")[0].split("?")[0]
        path = (base / rel).resolve()
        if not path.is_file():
            raise ExportError(f"asset {ref!r} referenced from CSS in {base} is missing")
        return f'url("{_data_uri(path)}")'

    return _URL_RE.sub(repl, _prefer_woff2(css))


@functools.lru_cache(maxsize=64)
def _read_asset(url: str) -> Asset:
    entry = manifest()["urls"].get(url)
    kind = "css" if url.split("?")[0].endswith(".css") else "js"
    if entry is None:
        raise ExportError(
            f"no offline copy of {url}; add it to {MANIFEST_PATH.name} or save with self_contained=False"
        )
    if entry.get("generated") == "awesome-rotate":
        return Asset(url, "css", _rotate_css())
    if "python" in entry:  # a file the Python package itself ships (e.g. folium's Leaflet.heat build)
        spec = importlib.util.find_spec(entry["python"])
        if spec is None or not spec.submodule_search_locations:
            raise ExportError(f"{entry['python']} is not installed; it provides {url}")
        path = Path(list(spec.submodule_search_locations)[0]) / entry["file"]
        return Asset(url, kind, path.read_text(encoding="utf-8"))
    name = entry["package"]
    if not is_fetched(name):
        raise ExportError(
            f"map asset package {name} is not fetched; run 'python -m conflictmap.assets fetch' "
            "from the checkout root (or reinstall a wheel built after it)"
        )
    path = package_dir(name) / entry["file"]
    text = path.read_text(encoding="utf-8")
    if kind == "css":
        text = inline_css_urls(text, path.parent)
    return Asset(url, kind, text)


def asset_for_url(url: str) -> Asset:
    """The self-contained :class:`Asset` for a folium asset URL.

    Raises
    ------
    ExportError
        If the URL is not pinned in the manifest or its package was not fetched.
    """
    return _read_asset(url)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m conflictmap.assets fetch|check [--force]``."""
    parser = argparse.ArgumentParser(prog="python -m conflictmap.assets", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["fetch", "check"], help="fetch the pinned packages, or check them")
    parser.add_argument("--force", action="store_true", help="fetch again even if present")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if args.action == "fetch":
            fetched = fetch_all(force=args.force)
            log.info("fetched %d package(s); %d pinned", len(fetched), len(manifest()["packages"]))
        missing = missing_packages()
        if missing:
            sys.stderr.write("missing map assets: " + ", ".join(missing) + "\n")
            return 1
    except ExportError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
