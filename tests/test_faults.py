"""``iae-eval run`` under faults (issue 12): interruption with real signals, a killed parent,
a killed worker, concurrent runs, an unwritable or full output folder, a corrupt manifest,
file modes. After each fault a plain rerun finishes the batch.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from iae_eval import atomic
from iae_eval.batch import lock as folder_lock_module
from iae_eval.batch import run as batch
from iae_eval.batch import worker
from iae_eval.batch.lock import FolderLockedError, folder_lock
from iae_eval.batch.manifest import MANIFEST_NAME, Manifest
from iae_eval.commands import run as command
from test_batch import run, write_data, write_notebooks

ALL_2012 = ("2012/departement.html", "2012/structures/S1.html", "2012/structures/S3.html")


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return fields[0] != "Z"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


def wait_until(condition, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def manifest_entries(out: Path) -> dict:
    return json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["entries"]


# --- File modes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_atomic_writes_give_the_mode_of_any_new_file(tmp_path, umask, mode):
    previous = os.umask(umask)
    atomic.file_mode.cache_clear()
    try:
        path = atomic.write_text(tmp_path / "r.html", "<p>x</p>")
    finally:
        os.umask(previous)
        atomic.file_mode.cache_clear()
    assert stat.S_IMODE(path.stat().st_mode) == mode


# --- The output folder's lock ------------------------------------------------------------------------


def test_a_second_lock_on_the_folder_names_the_holder(tmp_path):
    with folder_lock(tmp_path), pytest.raises(FolderLockedError) as caught, folder_lock(tmp_path):
        pass
    message = str(caught.value)
    assert f"processus {os.getpid()}" in message and "--wait" in message
    with folder_lock(tmp_path):  # released at the end of the block
        pass


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    (tmp_path / folder_lock_module.LOCK_NAME).write_text(
        "pid=999999 host=elsewhere started=2012-01-01T00:00:00\n"
    )
    with folder_lock(tmp_path):
        text = (tmp_path / folder_lock_module.LOCK_NAME).read_text()
    assert f"pid={os.getpid()}" in text


def test_wait_waits_for_the_other_run(tmp_path, monkeypatch):
    monkeypatch.setattr(folder_lock_module, "POLL_INTERVAL", 0.05)
    held, release = threading.Event(), threading.Event()

    def other_run():
        with folder_lock(tmp_path):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=other_run)
    thread.start()
    held.wait(5)
    told = []
    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    with folder_lock(tmp_path, wait=True, on_wait=told.append):
        waited = time.monotonic() - started
    thread.join()
    assert waited >= 0.4
    assert told and f"processus {os.getpid()}" in told[0]


def test_a_run_into_a_locked_folder_stops_at_once_and_writes_nothing(tmp_path, capsys, monkeypatch):
    data, notebooks = write_data(tmp_path / "data"), write_notebooks(tmp_path / "notebooks")
    out = tmp_path / "out"
    monkeypatch.setattr(batch, "_make_pool", lambda *a: pytest.fail("a pool was started"))
    with folder_lock(out):
        assert run(data, notebooks, out) == 1
    err = capsys.readouterr().err
    assert f"une autre exécution d'iae-eval (processus {os.getpid()}" in err and "--wait" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == [folder_lock_module.LOCK_NAME]


# --- Faults of the output folder --------------------------------------------------------------------


def test_an_output_folder_that_cannot_be_created_is_reported(tmp_path, capsys):
    data, notebooks = write_data(tmp_path / "data"), write_notebooks(tmp_path / "notebooks")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert run(data, notebooks, blocker / "out") == 1
    err = capsys.readouterr().err
    assert "Erreur : impossible d'écrire dans" in err and "a-file" in err and "Traceback" not in err


def test_an_unwritable_output_folder_is_reported(tmp_path, capsys, monkeypatch):
    data, notebooks = write_data(tmp_path / "data"), write_notebooks(tmp_path / "notebooks")
    out = tmp_path / "out"

    def denied(folder, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(folder / folder_lock_module.LOCK_NAME))

    monkeypatch.setattr(command, "folder_lock", denied)  # the tests run as root: chmod would not stop us
    assert run(data, notebooks, out) == 1
    err = capsys.readouterr().err
    assert (
        f"Erreur : impossible d'écrire dans {out / folder_lock_module.LOCK_NAME} : Permission denied" in err
    )
    assert "Traceback" not in err and not out.exists()


def test_disk_full_while_saving_the_manifest_is_reported(tmp_path, capsys, monkeypatch):
    data, notebooks = write_data(tmp_path / "data"), write_notebooks(tmp_path / "notebooks")
    out = tmp_path / "out"

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device", str(self.path))

    monkeypatch.setattr(Manifest, "save", full)
    monkeypatch.setattr(batch, "_make_pool", lambda *a: pytest.fail("a pool was started"))
    monkeypatch.setattr(command, "plan_reports", lambda *a, **k: [])  # nothing to run: the tables only
    assert run(data, notebooks, out) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Rien n'est resté à moitié écrit" in err
    assert "Traceback" not in err
    assert atomic.leftovers(out) == []


@pytest.mark.slow
def test_disk_full_while_writing_a_report_fails_that_report_only(tmp_path, capsys, monkeypatch):
    data, notebooks = write_data(tmp_path / "data"), write_notebooks(tmp_path / "notebooks")
    out = tmp_path / "out"
    real = worker._write_html

    def full_for_s1(job, nb):
        if job.report.structure_id == "S1":
            with atomic.atomic_path(job.out_dir / job.report.html) as tmp:
                tmp.write_text("<html><body>half a rep")
                raise OSError(errno.ENOSPC, "No space left on device", str(tmp))
        return real(job, nb)

    monkeypatch.setattr(worker, "_write_html", full_for_s1)  # inherited by the forked workers
    assert run(data, notebooks, out) == 1
    text = capsys.readouterr().out
    assert "1 en échec" in text
    assert (
        "ÉCHEC 2012 · Atelier Un : OSError: impossible d'écrire le rapport : No space left on device" in text
    )
    assert not (out / "2012/structures/S1.html").exists()
    assert (out / "2012/structures/S3.html").is_file() and (out / "2012/departement.html").is_file()
    assert atomic.leftovers(out) == []
    monkeypatch.setattr(worker, "_write_html", real)
    assert run(data, notebooks, out) == 0  # the plain rerun builds only what is missing
    assert "1 construit, 2 inchangés" in capsys.readouterr().out
    for rel in ALL_2012:
        assert (out / rel).is_file()


@pytest.mark.slow
def test_a_corrupt_manifest_is_rebuilt_from_the_reports_present(tmp_path, capsys):
    data, notebooks = write_data(tmp_path / "data"), write_notebooks(tmp_path / "notebooks")
    out = tmp_path / "out"
    assert run(data, notebooks, out, years=(2011,)) == 0
    assert run(data, notebooks, out, years=(2012,)) == 0
    capsys.readouterr()
    path = out / MANIFEST_NAME
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # truncated
    assert run(data, notebooks, out, years=(2012,)) == 0
    captured = capsys.readouterr()
    assert (
        "Attention :" in captured.err
        and "illisible" in captured.err
        and "reconstruit à partir des rapports présents (6)" in captured.err
    )
    assert "Traceback" not in captured.err
    entries = manifest_entries(out)
    assert {"2011/departement.html", "2011/structures/S1.html", "2011/structures/S2.html", *ALL_2012} <= set(
        entries
    )
    portal = (out / "index.html").read_text(encoding="utf-8")
    for rel in ("2011/departement.html", "2011/structures/S2.html", "2012/structures/S3.html"):
        assert f'href="{rel}"' in portal
    assert run(data, notebooks, out, years=(2012,)) == 0  # and the manifest is sound again
    assert "Attention" not in capsys.readouterr().err


@pytest.mark.slow
def test_runs_of_different_years_keep_every_year_in_the_manifest_and_portal(tmp_path, capsys):
    data, notebooks = write_data(tmp_path / "data"), write_notebooks(tmp_path / "notebooks")
    out = tmp_path / "out"
    assert run(data, notebooks, out, years=(2011,)) == 0
    assert run(data, notebooks, out, years=(2012,)) == 0
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert set(manifest["years"]) == {"2011", "2012"}
    reports = {k for k, e in manifest["entries"].items() if e["type"] == "report"}
    assert reports == {
        "2011/departement.html",
        "2011/structures/S1.html",
        "2011/structures/S2.html",
        *ALL_2012,
    }
    portal = (out / "index.html").read_text(encoding="utf-8")
    for rel in reports | {"2011/indicators.xlsx", "2012/indicators.csv"}:
        assert f'href="{rel}"' in portal, rel
    # every output is readable like a file the user creates (umask 022 here: 0644)
    modes = {
        p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode)
        for p in out.rglob("*")
        if p.is_file() and p.name != folder_lock_module.LOCK_NAME
    }
    assert set(modes.values()) == {atomic.file_mode()}, modes
    assert any(k.endswith(".ipynb") for k in modes)


# --- A worker killed in the middle of a report ---------------------------------------------------------

KILL_WORKER_BODY = """
import os, time, pathlib
if structure_id == "S1" and not pathlib.Path({flag!r}).exists():
    pathlib.Path({flag!r}).write_text(str(os.getpid()))
    os.kill(os.getppid(), 9)  # the kernel's parent is the worker process
    time.sleep(30)
"""


@pytest.mark.slow
def test_a_worker_killed_mid_report_fails_that_report_and_the_others_go_on(tmp_path, capsys):
    flag = tmp_path / "killed-once"
    data = write_data(tmp_path / "data")
    notebooks = write_notebooks(
        tmp_path / "notebooks", structure_body=KILL_WORKER_BODY.format(flag=str(flag))
    )
    out = tmp_path / "out"
    assert run(data, notebooks, out, jobs=2) == 1
    text = capsys.readouterr().out
    assert "2 construits" in text and "1 en échec" in text
    assert (
        "ÉCHEC 2012 · Atelier Un : le processus de calcul s'est arrêté (tué par SIGKILL) pendant ce rapport"
        in text
    )
    assert (out / "2012/structures/S3.html").is_file() and (out / "2012/departement.html").is_file()
    kernel = int(flag.read_text())
    assert wait_until(lambda: not alive(kernel), 10), "the dead worker's kernel is still running"
    assert atomic.leftovers(out) == []
    assert run(data, notebooks, out) == 0  # the plain rerun builds the missing report
    assert "1 construit, 2 inchangés" in capsys.readouterr().out
    for rel in ALL_2012:
        assert (out / rel).is_file()


# --- Real signals on a batch run in its own process group ------------------------------------------------

SLOW_BODY = """
import os, time, pathlib
pathlib.Path({pids!r}, structure_id).write_text(str(os.getpid()))
if pathlib.Path({flag!r}).exists():
    time.sleep(60)
"""

RUNNER = """
import sys
from pathlib import Path
from iae_eval.commands.run import run_command
sys.exit(run_command(data_dir=Path({data!r}), years=[2012], structures=[], out_dir=Path({out!r}), jobs=2,
                     force=False, notebooks_dir=Path({notebooks!r})))
"""


def _start_batch(tmp_path: Path) -> tuple[subprocess.Popen, Path, Path, Path]:
    pids, flag = tmp_path / "kernels", tmp_path / "slow"
    pids.mkdir()
    flag.write_text("")
    data = write_data(tmp_path / "data")
    notebooks = write_notebooks(
        tmp_path / "notebooks", structure_body=SLOW_BODY.format(pids=str(pids), flag=str(flag))
    )
    out = tmp_path / "out"
    code = RUNNER.format(data=str(data), out=str(out), notebooks=str(notebooks))
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )  # its own process group, like a terminal's job
    # wait until both structure reports run in their kernels (the département report is done)
    ok = wait_until(
        lambda: len(list(pids.iterdir())) == 2 and "2012/departement.html" in _entries(out), 90, 0.2
    )
    assert ok, proc.stderr.read() if proc.poll() is not None else "the batch did not start"
    time.sleep(0.5)
    return proc, pids, flag, out


def _entries(out: Path) -> dict:
    try:
        return manifest_entries(out)
    except (OSError, ValueError):
        return {}


def _rerun_builds_only_the_missing(tmp_path: Path, out: Path, flag: Path, capsys) -> None:
    flag.unlink()
    assert run(tmp_path / "data", tmp_path / "notebooks", out) == 0
    assert "2 construits, 1 inchangé" in capsys.readouterr().out
    for rel in ALL_2012:
        assert (out / rel).is_file()


@pytest.mark.slow
def test_ctrl_c_stops_the_batch_within_5_s_and_the_rerun_finishes_it(tmp_path, capsys):
    proc, pids, flag, out = _start_batch(tmp_path)
    workers = children(proc.pid)
    kernels = [int(p.read_text()) for p in pids.iterdir()]
    assert len(workers) == 2 and all(alive(k) for k in kernels)
    started = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    stdout, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - started < 5, time.monotonic() - started
    assert proc.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    assert "3 rapports" in stdout and "1 construit" in stdout and "2 non construits (interrompu)" in stdout
    resume = stderr.split("relancez :", 1)[1].split()
    assert resume[:2] == ["iae-eval", "run"] and "--force" not in resume
    assert resume[resume.index("--years") + 1] == "2012" and resume[resume.index("--out") + 1] == str(out)
    assert wait_until(lambda: not any(alive(p) for p in workers + kernels), 5), "a worker or kernel survived"
    assert atomic.leftovers(out) == []
    entries = manifest_entries(out)
    assert entries["2012/departement.html"]["status"] == "ok"
    assert "2012/structures/S1.html" not in entries
    assert 'href="2012/departement.html"' in (out / "index.html").read_text(encoding="utf-8")
    _rerun_builds_only_the_missing(tmp_path, out, flag, capsys)


@pytest.mark.slow
def test_workers_and_kernels_exit_within_10_s_when_the_parent_is_killed(tmp_path, capsys):
    proc, pids, flag, out = _start_batch(tmp_path)
    workers = children(proc.pid)
    kernels = [int(p.read_text()) for p in pids.iterdir()]
    assert len(workers) == 2 and all(alive(k) for k in kernels)
    proc.kill()  # kill -9 of `iae-eval run`
    proc.communicate(timeout=10)
    assert wait_until(lambda: not any(alive(p) for p in workers + kernels), 10), [
        p for p in workers + kernels if alive(p)
    ]
    assert atomic.leftovers(out) == []
    _rerun_builds_only_the_missing(tmp_path, out, flag, capsys)
