"""`make lab` works: a Jupyter server on notebooks/ serves every notebook with its parameters.

Starts ``jupyter lab`` (what ``make lab`` runs) on 127.0.0.1, a free port and a random
token, without a browser, waits until it answers, reads each notebook through the contents
API and checks its ``parameters`` cell; the server is stopped in a ``finally``.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from iae_eval.workspace import NOTEBOOKS_DIR

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = NOTEBOOKS_DIR
EXPECTED_PARAMETERS = {
    "departement": {"year", "data_dir", "min_cell"},
    "structure": {"year", "structure_id", "data_dir", "min_cell"},
    "bilan": {"first_year", "last_year", "data_dir", "min_cell"},
}
STARTUP_TIMEOUT = 90


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _assigned_names(source: str) -> set[str]:
    import ast

    return {
        target.id
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def test_jupyter_lab_serves_every_notebook_with_its_parameters(tmp_path):
    missing = [n for n in EXPECTED_PARAMETERS if not (NOTEBOOKS / f"{n}.ipynb").is_file()]
    assert not missing, f"notebooks missing: {missing}"
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={NOTEBOOKS}",
        "--ServerApp.terminals_enabled=False",
        *(["--allow-root"] if os.geteuid() == 0 else []),  # CI and the dev machines run as root
    ]
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text(errors="replace")[-3000:]
            try:
                status, _ = _get(f"{base}/api/status", token)
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the Jupyter server did not answer"
            time.sleep(0.25)

        status, _ = _get(f"{base}/api/status", "wrong-token")
        assert status == 403  # the token is required

        status, body = _get(f"{base}/api/contents?content=1", token)
        assert status == 200
        listed = {item["name"] for item in json.loads(body)["content"]}
        assert {f"{n}.ipynb" for n in EXPECTED_PARAMETERS} <= listed

        for name, expected in EXPECTED_PARAMETERS.items():
            status, body = _get(f"{base}/api/contents/{name}.ipynb?content=1", token)
            assert status == 200, body[:300]
            model = json.loads(body)
            assert model["type"] == "notebook"
            cells = model["content"]["cells"]
            code = [c for c in cells if c["cell_type"] == "code"]
            assert code and "parameters" in code[0]["metadata"].get("tags", []), name
            assert expected <= _assigned_names(code[0]["source"]), name
            sources = ["".join(c["source"]) for c in code]
            assert any(src.startswith("title.") for src in sources), name  # the title comes from the data
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
