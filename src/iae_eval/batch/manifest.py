"""What the batch built, and from which inputs: ``<out>/.iae-eval-manifest.json``.

Each output (a report's HTML, a year's indicator tables) is recorded under its path
relative to the output folder with the hash of its inputs: the notebook file's bytes, the
parameters, the dataset fingerprint (a hash of the data files' bytes), the kit version and
the kit's own source and template files (so a developer's edit rebuilds too). A report is
skipped when that hash is unchanged and its output still exists. The file is rewritten
atomically after every change, so an interrupted batch keeps what it finished.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from iae_eval import __version__, atomic

MANIFEST_NAME = ".iae-eval-manifest.json"
FORMAT = 1


@functools.cache
def kit_digest() -> str:
    """Hash of the kit version and of every source and template file of the package."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".css", ".json"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def input_hash(*parts: object) -> str:
    """A stable hash of ``parts`` (bytes are hashed as is, anything else as JSON)."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            data = part
        else:
            data = json.dumps(part, sort_keys=True, default=str, ensure_ascii=False).encode()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@dataclass
class Manifest:
    """The manifest of one output folder: ``entries[relative output path] = record``."""

    path: Path
    entries: dict[str, dict] = field(default_factory=dict)
    years: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        path = out_dir / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls(path)
        return cls(path, dict(data.get("entries", {})), dict(data.get("years", {})))

    def is_current(self, key: str, digest: str, *outputs: Path) -> bool:
        """Whether ``key`` was built from ``digest`` without failure and its outputs exist."""
        entry = self.entries.get(key)
        return (
            entry is not None
            and entry.get("hash") == digest
            and entry.get("status") == "ok"
            and all(p.is_file() for p in outputs)
        )

    def record(self, key: str, entry: dict) -> None:
        self.entries[key] = entry

    def save(self) -> None:
        payload = {
            "format": FORMAT,
            "kit_version": __version__,
            "entries": dict(sorted(self.entries.items())),
            "years": dict(sorted(self.years.items())),
        }
        atomic.write_text(self.path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
