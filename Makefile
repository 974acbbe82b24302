# iae-eval — one entry point for set-up, reports and tests. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
YEARS  ?= 2009-2013
DATA   ?= data/sample
OUT    ?= reports

.DEFAULT_GOAL := help
.PHONY: help install dist reports test test-browser lint format lab sample bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dask]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv/ and install the kit (editable) with its test and dask extras

dist: ## Build the wheel into dist/ (pip install dist/iae_eval-*.whl on any machine; no .venv needed)
	rm -f dist/iae_eval-*.whl
	$(PYTHON) -m pip wheel --no-deps --wheel-dir dist .
	@ls dist/iae_eval-*.whl

reports: $(STAMP) ## Build every report of the sample dataset into reports/
	$(BIN)/iae-eval run --data $(DATA) --years $(YEARS) --out $(OUT)

test: $(STAMP) ## Run the whole test suite (browser tests: make test-browser)
	$(BIN)/python -m pytest -m "not browser" -q

lint: $(STAMP) ## Check the code with ruff (lint rules and format)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

format: $(STAMP) ## Fix what ruff can fix and format the code
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

test-browser: $(STAMP) ## Open built reports in headless Chromium (Debian's chromium, installed if missing and root)
	@command -v chromium >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pytest -m browser -q

lab: $(STAMP) ## Open JupyterLab on the kit's notebooks (the package's notebooks folder)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) \
	  "$$($(BIN)/python -c 'from iae_eval.workspace import NOTEBOOKS_DIR; print(NOTEBOOKS_DIR)')"

sample: $(STAMP) ## Regenerate the bundled sample dataset in data/sample/
	$(BIN)/iae-eval sample --out $(DATA)

bench: $(STAMP) ## Run the benchmarks under bench/ (load, indicators, batch; several minutes)
	for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean: ## Remove the environment, caches and generated reports
	rm -rf $(VENV) .pytest_cache .hypothesis build dist src/*.egg-info
	find $(OUT) -mindepth 1 ! -name README.md -exec rm -rf {} +
