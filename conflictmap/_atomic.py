"""Atomic file writes shared by every writer in the package.

A writer gets a fresh temporary path in the target's folder (so the final rename stays on one
file system); on success the file gets the permissions a normal ``open()`` would give it (the
umask, not ``mkstemp``'s private 0600) and replaces the target in one step; on any error the
temporary file is removed and an existing target is left untouched. A SIGTERM that arrives
during the write (in the main thread, with no handler of the program's own) removes the
temporary file too, then ends the process as SIGTERM does.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> with atomic_path(target) as tmp:
...     _ = tmp.write_text("done")
>>> target.read_text()
'done'
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["atomic_path", "atomic_write_text"]


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


class _Terminated(BaseException):
    """SIGTERM arrived during a write (a BaseException, so that no ``except Exception`` keeps it)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated(signum)


@contextmanager
def _sigterm_cleans_up() -> Iterator[None]:
    """While a write runs, SIGTERM unwinds it (removing its temporary file), then ends the process.

    Only where the default action would kill the process without clean-up: the main thread with
    SIGTERM's default disposition (a program's own handler, or an outer write, is left alone).
    """
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)  # end as the signal would have, now that nothing is left behind
        raise
    finally:
        if signal.getsignal(signal.SIGTERM) is _on_sigterm:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path (that does not exist yet) which replaces ``path`` on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _sigterm_cleans_up():
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        tmp.unlink()  # some writers (GDAL drivers) refuse to overwrite; they get a fresh name
        try:
            yield tmp
            if tmp.exists():
                os.chmod(tmp, _umask_mode())
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
