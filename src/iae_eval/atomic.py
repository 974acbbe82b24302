"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Every output of the batch (HTML, xlsx, csv, json, executed notebooks, the portal) is
written to a temporary file in the destination folder, flushed to disk, then renamed over
the destination with :func:`os.replace` (atomic on POSIX and Windows within one folder).
On any error the temporary file is removed and the previous file is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Prefix of the temporary files, so that a crash's leftovers are easy to recognise.
TEMP_PREFIX = ".iae-tmp-"


@contextlib.contextmanager
def atomic_path(destination: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``destination``; on success rename it over it.

    For writers that want a file name (``openpyxl``, ``DataFrame.to_excel``)::

        with atomic_path(out / "indicators.xlsx") as tmp:
            frame.to_excel(tmp)
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=TEMP_PREFIX, suffix=destination.suffix, dir=destination.parent
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, destination)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
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
