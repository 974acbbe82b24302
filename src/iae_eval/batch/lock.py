"""One run per output folder at a time: ``<out>/.iae-eval.lock``.

``iae-eval run`` holds an exclusive lock (``flock``) on this file for the whole batch and
writes its process id, host and start time in it. A second run into the same folder stops
at once with a message naming the first run's process id, or waits for it (``--wait``).
The operating system drops the lock when the process holding it ends, however it ends: a
lock file left by a dead run is simply taken over.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from iae_eval.errors import IaeEvalError

LOCK_NAME = ".iae-eval.lock"
#: How often a waiting run tries again (seconds).
POLL_INTERVAL = 0.5

#: The lock held by this process (closed in worker processes, which inherit it on fork).
_held: int | None = None


class FolderLockedError(IaeEvalError):
    """Raised when another run holds the output folder's lock (and we do not wait)."""

    def __init__(self, folder: Path, holder: str) -> None:
        self.folder = folder
        self.holder = holder
        super().__init__(
            f"une autre exécution d'iae-eval ({holder}) écrit dans {folder} ; attendez qu'elle finisse, "
            "relancez avec --wait, ou choisissez un autre --out"
        )


def _holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", "replace").split()
    fields = dict(item.split("=", 1) for item in text if "=" in item)
    if "pid" not in fields:
        return "processus inconnu"
    where = f" sur {fields['host']}" if fields.get("host") and fields["host"] != socket.gethostname() else ""
    since = f", lancée le {fields['started'].replace('T', ' à ')}" if fields.get("started") else ""
    return f"processus {fields['pid']}{where}{since}"


@contextlib.contextmanager
def folder_lock(folder: Path, *, wait: bool = False, on_wait=None) -> Iterator[None]:
    """Hold ``folder``'s lock for the ``with`` block.

    Raises :class:`FolderLockedError` when another run holds it and ``wait`` is false;
    with ``wait``, calls ``on_wait(holder)`` once and waits for the lock.
    """
    global _held
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(fd)
                if not wait:
                    raise FolderLockedError(folder, holder) from None
                if not told and on_wait is not None:
                    on_wait(holder)
                    told = True
                time.sleep(POLL_INTERVAL)
        os.ftruncate(fd, 0)
        started = datetime.now().isoformat(timespec="seconds")
        os.pwrite(fd, f"pid={os.getpid()} host={socket.gethostname()} started={started}\n".encode(), 0)
        _held = fd
        try:
            yield
        finally:
            _held = None
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def forget_inherited() -> None:
    """In a forked worker: close the inherited lock descriptor (the parent keeps the lock)."""
    global _held
    if _held is not None:
        with contextlib.suppress(OSError):
            os.close(_held)
        _held = None
