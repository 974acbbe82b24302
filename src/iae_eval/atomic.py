"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Every output of the batch (HTML, xlsx, csv, json, executed notebooks, the portal) is
written to a temporary file in the destination folder, flushed to disk, given the mode any
file the user creates gets (``0666`` minus the umask), then renamed over the destination
with :func:`os.replace` (atomic on POSIX and Windows within one folder). On any error the
temporary file is removed and the previous file is left untouched.

The temporary files of this process are remembered, so that a process told to stop (a
signal, a parent that died) can remove them before it exits: :func:`remove_pending`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Prefix of the temporary files, so that a crash's leftovers are easy to recognise.
TEMP_PREFIX = ".iae-tmp-"

#: Temporary files of this process not yet renamed into place.
_pending: set[Path] = set()


@functools.cache
def file_mode() -> int:
    """The mode of a new file under this process's umask (``0o644`` under umask 022)."""
    try:  # Linux: read the umask without changing it (os.umask is process-wide, not thread-safe)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def temp_path(destination: str | Path) -> Path:
    """A new empty temporary file next to ``destination`` (remembered until published)."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=destination.suffix, dir=destination.parent)
    os.close(fd)
    tmp = Path(name)
    _pending.add(tmp)
    return tmp


def publish(tmp: Path, destination: str | Path) -> Path:
    """Flush ``tmp`` to disk, give it the user's file mode and rename it over ``destination``."""
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.chmod(tmp, file_mode())
    os.replace(tmp, destination)
    _pending.discard(tmp)
    return Path(destination)


def discard(tmp: Path) -> None:
    """Remove a temporary file (no error if it is already gone)."""
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    _pending.discard(tmp)


def remove_pending() -> None:
    """Remove every temporary file of this process (before it exits on a signal)."""
    for tmp in list(_pending):
        discard(tmp)


@contextlib.contextmanager
def atomic_path(destination: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``destination``; on success rename it over it.

    For writers that want a file name (``openpyxl``, ``DataFrame.to_excel``)::

        with atomic_path(out / "indicators.xlsx") as tmp:
            frame.to_excel(tmp)
    """
    tmp = temp_path(destination)
    try:
        yield tmp
        publish(tmp, destination)
    except BaseException:
        discard(tmp)
        raise


def write_bytes(destination: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``destination`` atomically; return the destination."""
    with atomic_path(destination) as tmp:
        tmp.write_bytes(data)
    return Path(destination)


def write_text(destination: str | Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``destination`` atomically; return the destination."""
    return write_bytes(destination, text.encode(encoding))


def leftovers(folder: str | Path) -> list[Path]:
    """Temporary files left under ``folder`` (only after a hard crash)."""
    return sorted(Path(folder).rglob(f"{TEMP_PREFIX}*"))


def remove_leftovers(folder: str | Path) -> list[Path]:
    """Remove the temporary files a crashed run left under ``folder``; return them.

    Only safe while this process holds the folder's lock (:mod:`iae_eval.batch.lock`)."""
    found = leftovers(folder)
    for path in found:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            path.unlink()
    return found
