"""The notebooks shipped with the kit, the ones a run uses, and ``iae-eval init`` (docs/reports.md).

The three notebooks are package data (:data:`NOTEBOOKS_DIR`), so a kit installed with
``pip install`` builds its reports without a clone of the repository. ``iae-eval run`` uses,
in order: the folder given with ``--notebooks``, else ``./notebooks`` when it exists (the
evaluation folder's own copies, which the officer may edit), else the packaged ones
(:func:`choose_notebooks`). The report's method section names which
(:func:`notebooks_source_text`).

``iae-eval init DIR`` creates an evaluation folder (:func:`init_workspace`)::

    DIR/README.md            what to do next (French)
    DIR/notebooks/           copies of the three notebooks, reading ``data``
    DIR/data/                the sample dataset, or with ``--empty`` one CSV template per table
    DIR/data/commentaires/   the evaluator's commentary files (docs/editions.md): with the
                             sample, its example commentaries; with ``--empty``, none
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from iae_eval.errors import IaeEvalError

_PACKAGE = Path(__file__).resolve().parent
_IN_PACKAGE = _PACKAGE / "notebooks"
#: The notebooks shipped with the kit (in a source checkout from before they became package
#: data: the repository's ``notebooks/`` folder).
NOTEBOOKS_DIR: Path = _IN_PACKAGE if _IN_PACKAGE.is_dir() else _PACKAGE.parents[1] / "notebooks"
#: The evaluation folder's own notebooks, relative to the working directory.
LOCAL_NOTEBOOKS = Path("notebooks")
#: The data folder of an evaluation folder (``iae-eval init``), and the repository's sample.
WORKSPACE_DATA = Path("data")
CLONE_DATA = Path("data") / "sample"
#: Folder of the optional tables' templates in an empty evaluation folder (ignored by the loader).
OPTIONAL_FOLDER = "facultatif"


class WorkspaceError(IaeEvalError):
    """Raised when ``iae-eval init`` cannot create the folder (the message is in French)."""


@dataclass(frozen=True)
class NotebookSource:
    """The notebooks a run uses: their folder and where it comes from."""

    path: Path
    origin: str  # option | workspace | packaged


def choose_notebooks(explicit: Path | None = None, *, cwd: Path | None = None) -> NotebookSource:
    """``--notebooks DIR`` when given, else ``./notebooks`` when it exists, else the packaged ones."""
    if explicit is not None:
        return NotebookSource(Path(explicit).resolve(), "option")
    local = (Path.cwd() if cwd is None else cwd) / LOCAL_NOTEBOOKS
    if local.is_dir():
        return NotebookSource(local.resolve(), "workspace")
    return NotebookSource(NOTEBOOKS_DIR, "packaged")


def notebooks_source_text(source: NotebookSource) -> str:
    """One French sentence for the method section: which notebooks built the report."""
    from iae_eval import __version__

    if source.origin == "packaged":
        return f"Rapport produit avec les notebooks fournis par iae-eval {__version__}."
    if source.origin == "workspace":
        return (
            "Rapport produit avec les notebooks du dossier d'évaluation "
            f"({source.path.name}/, éventuellement modifiés par l'évaluateur)."
        )
    return f"Rapport produit avec les notebooks du dossier {source.path} (option --notebooks)."


def default_data_dir(cwd: Path | None = None) -> Path:
    """``data`` in an evaluation folder (it holds a dataset), else the repository's sample."""
    base = Path.cwd() if cwd is None else cwd
    folder = base / WORKSPACE_DATA
    if (folder / "structures.csv").is_file() or any(folder.glob("*.xlsx")):
        return WORKSPACE_DATA
    return CLONE_DATA


README = """\
# Dossier d'évaluation IAE

Ce dossier a été créé par `iae-eval init` (iae-eval {version}).

- `data/` : les données{data_note}. `iae-eval validate` les vérifie et liste chaque problème
  (fichier, ligne, colonne, valeur).
- `data/commentaires/` : l'appréciation de l'évaluateur, en markdown, un fichier par rapport :
  `bilan.md`, `2012/departement.md`, `2012/S03.md` (identifiant de la structure) ; ceux de
  l'édition publique dans `public/`, les textes de la synthèse dans `synthese/`{commentary_note}.
- `notebooks/` : les trois notebooks des rapports (département, structure, bilan). Vous pouvez
  les modifier ; `iae-eval run` utilise ceux de ce dossier. Supprimez le dossier pour revenir
  aux notebooks fournis avec le kit.

Ensuite, depuis ce dossier :

    iae-eval validate
    iae-eval run --years {years}

Les rapports sont écrits dans `reports/` : ouvrez `reports/index.html`. Les indicateurs de
chaque année sont aussi dans un tableur (`reports/2012/indicators.xlsx`).
Pour la diffusion publique (petits effectifs masqués) : `iae-eval run --years {years} --diffusion public
--out reports-public`.
"""
#: Added to the README's line on ``data/commentaires/`` when the folder holds the sample.
EXAMPLE_COMMENTARIES_NOTE = (
    ". Les exemples fournis, écrits pour les données d'exemple, sont à remplacer par les vôtres"
)


def _copy_notebooks(target: Path) -> list[Path]:
    """Copies of the packaged notebooks whose ``data_dir`` default reads this folder's ``data``."""
    import nbformat

    from iae_eval.batch.plan import NOTEBOOK_FILES

    target.mkdir()
    written = []
    for name in NOTEBOOK_FILES.values():
        nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
        for cell in nb.cells:
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                lines = cell.source.splitlines()
                cell.source = "\n".join(
                    f'data_dir = "{WORKSPACE_DATA.as_posix()}"'
                    if line.split("=")[0].strip() == "data_dir"
                    else line
                    for line in lines
                )
        nbformat.write(nb, target / name)
        written.append(target / name)
    return written


def _write_templates(data: Path) -> list[Path]:
    """One CSV per table with its header only: required tables in ``data``, optional ones in
    ``data/facultatif`` (move a file up when you have its data)."""
    from iae_eval.data.dataset import TABLES

    data.mkdir()
    (data / OPTIONAL_FOLDER).mkdir()
    written = []
    for table in TABLES.values():
        path = data / (f"{table.name}.csv" if table.required else f"{OPTIONAL_FOLDER}/{table.name}.csv")
        path.write_text(",".join(table.column_names) + "\n", encoding="utf-8")
        written.append(path)
    return written


def init_workspace(target: Path, *, empty: bool = False) -> list[Path]:
    """Create the evaluation folder ``target`` (see the module); return the files written.

    Raises :class:`WorkspaceError` when ``target`` exists and is not empty (nothing written).
    """
    from iae_eval import __version__

    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise WorkspaceError(
            f"{target} : ce dossier existe déjà et n'est pas vide ; choisissez un nouveau dossier "
            "(rien n'a été écrit)"
        )
    target.mkdir(parents=True, exist_ok=True)
    staging = target.resolve() / ".iae-eval-init"
    try:
        staging.mkdir()
        from iae_eval.data.sample import COMMENTARY_FOLDER, generate_sample, write_sample_commentaries

        written = _copy_notebooks(staging / "notebooks")
        if empty:
            written += _write_templates(staging / "data")
            (staging / "data" / COMMENTARY_FOLDER).mkdir()
        else:
            written += generate_sample(staging / "data")
            written += write_sample_commentaries(staging / "data")
        data_note = (
            " : un modèle CSV vide par table (en-têtes seulement) ; remplissez-les. Les tables "
            f"facultatives sont dans `data/{OPTIONAL_FOLDER}/` : déplacez un fichier dans `data/` "
            "quand vous en avez les données"
            if empty
            else " d'exemple (un département fictif, 2009-2013), à remplacer par les vôtres"
        )
        readme = staging / "README.md"
        readme.write_text(
            README.format(
                version=__version__,
                data_note=data_note,
                commentary_note="" if empty else EXAMPLE_COMMENTARIES_NOTE,
                years="2012" if not empty else "ANNÉE",
            ),
            encoding="utf-8",
        )
        written.append(readme)
        for child in list(staging.iterdir()):
            child.rename(target / child.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [target / Path(p).resolve().relative_to(staging) for p in written]
