# compare — `make` lists the targets. Every target installs what it needs into .venv first.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MIRROR ?= $(or $(COMPARE_MIRROR),../shared/data/sources)
WORKERS ?=
EXECUTOR ?=
SCHEDULER ?=
LIVE ?=
PORT ?=
TOKEN ?=
SHARE ?= reports.zip
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

.PHONY: help setup data fetch build report report-plan share test test-fast lint format lab bench clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'
	@echo "  (MIRROR=$(MIRROR) LIVE=$(LIVE) WORKERS=$(WORKERS) EXECUTOR=$(EXECUTOR) PORT=$(PORT) SHARE=$(SHARE))"

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -e ".[dev,lab]" \
	  || $(BIN)/python -m pip install --quiet -e ".[dev,lab]"
	$(BIN)/python -m compileall -q compare >/dev/null  # bytecode even where PYTHONDONTWRITEBYTECODE is set
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install the package with its dev tools

fetch: $(STAMP) ## import raw sources from the mirror (MIRROR=dir) into data/raw; LIVE=1: then refresh the World Bank data from its API
	$(BIN)/compare fetch --from "$(MIRROR)"
	$(if $(LIVE),$(BIN)/compare fetch --live,)

build: fetch ## build data/processed (tidy table, quarantine, manifest)
	$(BIN)/compare build

data: build ## fetch + build

report: build ## MAIN JOB: fetch, build and regenerate every report into reports/ (WORKERS=n, EXECUTOR=dask, SCHEDULER=addr)
	$(BIN)/compare report $(if $(WORKERS),--workers $(WORKERS),) $(if $(EXECUTOR),--executor $(EXECUTOR),) $(if $(SCHEDULER),--scheduler $(SCHEDULER),)

report-plan: build ## what `make report` would re-run and why, without running anything
	$(BIN)/compare report --dry-run

share: build ## the reports as one zip to send, SHARE=reports.zip (pages, assets, index; no notebooks, no local paths)
	$(BIN)/compare report --bundle "$(SHARE)" $(if $(WORKERS),--workers $(WORKERS),)

test: $(STAMP) ## run the whole test suite (reads the mirror at MIRROR)
	COMPARE_MIRROR="$(MIRROR)" $(BIN)/python -m pytest -n 2 --dist loadgroup -q

test-fast: $(STAMP) ## the tests that need no browser and run no notebook
	COMPARE_MIRROR="$(MIRROR)" $(BIN)/python -m pytest -q -m "not browser and not slow"

lint: $(STAMP) ## ruff
	$(BIN)/ruff check compare tests scripts bench
	$(BIN)/ruff format --check compare tests scripts bench

format: $(STAMP) ## ruff format + fixes
	$(BIN)/ruff format compare tests scripts bench
	$(BIN)/ruff check --fix compare tests scripts bench

lab: $(STAMP) ## JupyterLab on work/, the working copy of notebooks/ (PORT=8888 TOKEN=secret)
	$(BIN)/compare lab $(if $(PORT),--port $(PORT),) $(if $(TOKEN),--token "$(TOKEN)",)

bench: build ## run the benchmarks in bench/ (prints ratios; see docs/BENCHMARKS.md)
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean: ## remove generated data, reports and caches (keeps .venv)
	rm -rf data/processed data/.processed.* data/cache reports .reports.* .pytest_cache .ruff_cache
	@echo "(work/, your working copy of the notebooks, is kept)"
