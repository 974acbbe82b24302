"""What the batch built, and from which inputs: ``<out>/.iae-eval-manifest.json``.

Each output (a report's HTML, a year's indicator tables) is recorded under its path
relative to the output folder with the hash of its inputs: the notebook file's bytes, the
parameters, the dataset fingerprint (a hash of the data files' bytes), the kit version and
the kit's own source and template files (so a developer's edit rebuilds too). A report is
skipped when that hash is unchanged and its output still exists. The file is rewritten
atomically after every change, so an interrupted batch keeps what it finished.

A built report's record also says how long it took (``seconds``) and where that time went
(``timings``: computing, drawing, exporting and the rest, :func:`iae_eval.batch.worker.split_time`);
:meth:`Manifest.report_times` gathers them for the benchmarks.

A manifest that cannot be read (truncated, edited by hand, another format) is rebuilt from
the reports present in the folder (:meth:`Manifest.rebuild`), with a warning: they stay
listed in the portal, and the next run rebuilds the ones it is asked for.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from iae_eval import __version__, atomic

MANIFEST_NAME = ".iae-eval-manifest.json"
FORMAT = 1
#: :meth:`Manifest.save_if_due` saves when this many times the last save's duration has passed
#: since it: at most 1/20 of a run goes into rewriting the manifest (a national year's, with
#: 4,200 reports, is ~3 MB: ~70 ms a save).
SAVE_SPACING = 20


@functools.cache
def kit_digest() -> str:
    """Hash of the kit version and of every source and template file of the package."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        if (
            path.is_file()
            and path.suffix in {".py", ".j2", ".css", ".json"}
            and "__pycache__" not in path.parts
        ):
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
    #: Why the manifest on disk could not be used (it was rebuilt), for a warning.
    warning: str | None = None
    #: When the last save ended and how long it took (:meth:`save_if_due`).
    _last_save: tuple[float, float] = field(
        default=(float("-inf"), 0.0), init=False, repr=False, compare=False
    )

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        path = out_dir / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (ValueError, UnicodeDecodeError) as exc:
            return cls.rebuild(out_dir, f"{path} est illisible ({type(exc).__name__})")
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls.rebuild(out_dir, f"{path} n'est pas un manifeste de cette version du kit")
        entries, years = data.get("entries", {}), data.get("years", {})
        if (
            not isinstance(entries, dict)
            or not isinstance(years, dict)
            or not all(isinstance(e, dict) for e in entries.values())
        ):
            return cls.rebuild(out_dir, f"{path} est endommagé")
        return cls(path, dict(entries), dict(years))

    @classmethod
    def rebuild(cls, out_dir: Path, reason: str) -> Manifest:
        """A manifest listing the reports present in ``out_dir`` (to be rebuilt when asked)."""
        from iae_eval.batch.plan import KIND_LABELS

        manifest = cls(out_dir / MANIFEST_NAME)
        found: list[tuple[str, dict]] = []
        for html in out_dir.glob("*/departement.html"):
            year = html.parent.name
            if year.isdigit():
                found.append(
                    (
                        f"{year}/departement.html",
                        {
                            "kind": "departement",
                            "year": int(year),
                            "label": f"{year} · {KIND_LABELS['departement']}",
                            "name": KIND_LABELS["departement"],
                            "notebook": f"{year}/notebooks/departement.ipynb",
                        },
                    )
                )
        for html in out_dir.glob("*/structures/*.html"):
            year = html.parent.parent.name
            if year.isdigit():
                found.append(
                    (
                        f"{year}/structures/{html.name}",
                        {
                            "kind": "structure",
                            "year": int(year),
                            "structure_id": html.stem,
                            "label": f"{year} · {html.stem}",
                            "name": html.stem,
                            "notebook": f"{year}/notebooks/structure-{html.stem}.ipynb",
                        },
                    )
                )
        for html in out_dir.glob("bilan-*.html"):
            match = re.fullmatch(r"bilan-(\d{4})-(\d{4})\.html", html.name)
            if match:
                first, last = (int(y) for y in match.groups())
                found.append(
                    (
                        html.name,
                        {
                            "kind": "bilan",
                            "first_year": first,
                            "last_year": last,
                            "label": f"{first}-{last} · {KIND_LABELS['bilan']}",
                            "name": f"{KIND_LABELS['bilan']} {first}-{last}",
                            "notebook": f"notebooks/bilan-{first}-{last}.ipynb",
                        },
                    )
                )
        for key, entry in found:
            manifest.record(key, {"type": "report", "hash": None, "status": "ok", **entry})
        manifest.warning = (
            f"{reason} : reconstruit à partir des rapports présents ({len(found)}) ; les rapports "
            "demandés sont reconstruits"
        )
        return manifest

    def is_current(self, key: str, digest: str, *outputs: Path) -> bool:
        """Whether ``key`` was built from ``digest`` without failure and its outputs exist."""
        entry = self.entries.get(key)
        return (
            entry is not None
            and entry.get("hash") == digest
            and entry.get("status") == "ok"
            and all(p.is_file() for p in outputs)
        )

    def report_times(self, kind: str) -> dict[str, list[float]]:
        """For the reports of ``kind`` built without failure: their ``seconds`` and each part of
        their ``timings``, one list per name (reports recorded without timings add to
        ``seconds`` only)."""
        times: dict[str, list[float]] = {"seconds": []}
        for entry in self.entries.values():
            if entry.get("kind") != kind or entry.get("status") != "ok" or "seconds" not in entry:
                continue
            times["seconds"].append(float(entry["seconds"]))
            for part, value in (entry.get("timings") or {}).items():
                times.setdefault(part, []).append(float(value))
        return times

    def record(self, key: str, entry: dict) -> None:
        self.entries[key] = entry

    def save_if_due(self) -> None:
        """:meth:`save`, unless the last save was less than :data:`SAVE_SPACING` times its own
        duration ago. A small manifest is saved after every report; a run killed outright
        (``kill -9``) loses at most the records of its last seconds (those reports are
        rebuilt by the next run). The run saves at its end and on Ctrl-C."""
        ended, took = self._last_save
        if time.monotonic() - ended >= SAVE_SPACING * took:
            self.save()

    def save(self) -> None:
        started = time.monotonic()
        payload = {
            "format": FORMAT,
            "kit_version": __version__,
            "entries": dict(sorted(self.entries.items())),
            "years": dict(sorted(self.years.items())),
        }
        atomic.write_text(self.path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
        ended = time.monotonic()
        self._last_save = (ended, ended - started)
