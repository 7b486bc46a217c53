# The project's front door. Every target creates the virtual environment when it is missing.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp
MONTH  ?= 2020-02

.DEFAULT_GOAL := help
.PHONY: help setup report demo test lint unit unit-fast nbval bench lab notebooks clean browser-deps

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the package with its test tools

report: $(STAMP) ## the monthly job for MONTH (default 2020-02): check, run every section, publish reports/
	@# data errors (exit 1) are published with the report; unreadable input (exit 2) stops here
	$(BIN)/bulletin check $(MONTH) || test $$? -eq 1
	$(BIN)/bulletin run $(MONTH)
	@echo "open reports/index.html (every month published) and reports/$(MONTH)/index.html (this month's figures, its check and its sections)"

DEMO_MONTHS ?= 2019-02:2020-02
demo: $(STAMP) ## synthetic months made from 2020-02 (模拟数据) into demo/data/, published into demo/reports/
	$(BIN)/bulletin demo --out demo
	$(BIN)/bulletin run $(DEMO_MONTHS) --data-dir demo/data --out demo/reports
	@echo "open demo/reports/index.html (every output says 模拟数据)"

lint: $(STAMP) ## ruff
	$(BIN)/ruff check src tests bench tools

unit-fast: $(STAMP) ## tests/unit only: no kernel, no browser, no run, no document render (the quick loop)
	@# nbval is for `make nbval` only: loading it costs each of the three processes 1.5 s (nbformat, jupyter_client)
	$(BIN)/python -m pytest -q -p no:nbval -n 2 tests/unit

# the order of the folders is the order the two workers are handed files (--dist loadfile, and
# --no-loadscope-reorder keeps it): the long end-to-end files first, the unit files fill the end. By
# default xdist hands out the files with the most tests first, which put test_history_e2e (5 tests)
# and test_variants_run (7), two of the longest files, after nearly every unit file, to end the run alone
XDIST = -n 2 --dist loadfile --no-loadscope-reorder
NBVAL = --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg

unit: $(STAMP) ## unit and end-to-end tests (tests/unit, tests/e2e)
	$(BIN)/python -m pytest -q $(XDIST) tests/e2e tests/unit

nbval: $(STAMP) ## replay the section notebooks and compare their recorded outputs
	$(BIN)/python -m pytest -q -p no:cacheprovider $(NBVAL) notebooks

test: lint ## everything CI runs: ruff, then make unit and make nbval as one pytest run
	@# one run, not two in turn: the notebooks' replay (a kernel each, one file a worker as nbval
	@# supports with --dist loadfile) shares the two workers with the end-to-end and unit files instead
	@# of running on one core after them (make test: 186 s instead of 216 s, quiet machine)
	$(BIN)/python -m pytest -q $(XDIST) $(NBVAL) tests/e2e notebooks tests/unit

AXE = build/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --prefix build --no-save --no-audit --no-fund axe-core@4

browser-deps: $(AXE) ## axe-core (npm) for the accessibility audit of tests/test_browser.py (Chromium: apt-get)

bench: $(STAMP) ## benchmarks (prints medians and ratios)
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_run.py
	$(BIN)/python bench/bench_site.py
	$(BIN)/python bench/bench_documents.py
	$(BIN)/python bench/bench_units.py
	$(BIN)/python bench/bench_workbook_ingest.py

lab: $(STAMP) ## JupyterLab on lab/, a working copy of notebooks/ (the kernel is the project's .venv)
	$(BIN)/python tools/lab.py $(LAB_ARGS)

notebooks: $(STAMP) ## re-record the notebooks' outputs for 2020-02 (after a deliberate change)
	$(BIN)/python tools/record_notebooks.py

clean: ## remove the environment and generated reports
	rm -rf $(VENV) reports demo
