"""``iae-eval run --scheduler local`` (issue 11): the reports run on a Dask LocalCluster with
two worker processes, with the local pool's guarantees (failure isolation, skipping, same files)."""

from __future__ import annotations

import json

import pytest

from iae_eval import atomic
from iae_eval.batch.manifest import MANIFEST_NAME
from iae_eval.commands.run import run_command
from test_batch import write_data, write_notebooks

FAIL_BODY = """
import pathlib
if structure_id == "S1" and pathlib.Path({flag!r}).exists():
    raise ValueError("boom in " + structure_id)
"""


def files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.slow
def test_a_batch_on_a_local_dask_cluster(tmp_path, capsys):
    flag = tmp_path / "fail"
    flag.write_text("")
    data = write_data(tmp_path / "data")
    notebooks = write_notebooks(tmp_path / "notebooks", structure_body=FAIL_BODY.format(flag=str(flag)))
    out = tmp_path / "dask"

    def run(out_dir, scheduler):
        return run_command(
            data_dir=data,
            years=[2011, 2012],
            structures=[],
            out_dir=out_dir,
            jobs=2,
            force=False,
            notebooks_dir=notebooks,
            scheduler=scheduler,
        )

    assert run(out, "local") == 1
    text = capsys.readouterr().out
    assert "7 rapports" in text and "5 construits" in text and "2 en échec" in text
    assert "ÉCHEC 2011 · Atelier Un : cellule" in text and "ValueError: boom in S1" in text
    assert (out / "2011/notebooks/structure-S1.ipynb").is_file()
    assert not (out / "2011/structures/S1.html").exists()
    entries = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["entries"]
    assert entries["2012/structures/S1.html"]["status"] == "failed"

    flag.unlink()
    assert run(out, "local") == 0  # the failures are rebuilt, the rest skipped
    assert "2 construits, 5 inchangés" in capsys.readouterr().out
    assert run(out, "local") == 0
    assert "0 construit, 7 inchangés (non reconstruit), 0 en échec" in capsys.readouterr().out
    assert atomic.leftovers(out) == []

    local = tmp_path / "local"
    assert run(local, None) == 0
    assert files(local) == files(out)  # the same files as the local pool
    for rel in ("2012/indicators.csv", "2011/indicators.csv"):
        assert (local / rel).read_bytes() == (out / rel).read_bytes()


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, capsys, monkeypatch):
    data = write_data(tmp_path / "data")
    notebooks = write_notebooks(tmp_path / "notebooks")
    from iae_eval.batch import dask_pool

    monkeypatch.setattr(dask_pool, "CONNECT_TIMEOUT", 1)
    code = run_command(
        data_dir=data,
        years=[2012],
        structures=[],
        out_dir=tmp_path / "out",
        jobs=1,
        force=False,
        notebooks_dir=notebooks,
        scheduler="tcp://127.0.0.1:9",
    )
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "--scheduler tcp://127.0.0.1:9 : impossible de joindre l'ordonnanceur Dask" in err
        and "Traceback" not in err
    )
