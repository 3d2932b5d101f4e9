# Two commands for readers: `make book` and `make test`. Each sets up .venv on first use.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb)) book/reproducibility.ipynb
NB     ?=
PARAMS ?=
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=900 -p no:cacheprovider

.PHONY: book test unit lint nbval quick execute run clean browser chromium workshop

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

## make book: the HTML book in _build/html, from the committed outputs (nothing is executed)
book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

## make test: unit tests, exact re-execution (nbval), quick papermill runs, the book, the browser test
test: $(STAMP)
	bash tests/run_all.sh

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests -m "not browser"

## make lint: ruff over the package, the tests, the tools and the notebooks (settings in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check .

## make browser: open every page of the built book (make book first) in headless Chromium; screenshots in _build/screenshots
browser: $(STAMP) chromium
	$(BIN)/python -m pytest -q tests -m browser; status=$$?; cat _build/screenshots/report.txt 2>/dev/null; exit $$status

# Debian's chromium for the browser test, installed with apt-get when missing (as root, or with sudo)
chromium:
	@command -v chromium >/dev/null || { echo "installing Debian's chromium for the browser test"; \
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$sudo apt-get update -q && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core; }

## make workshop: student copies of every chapter in workshop/ (solutions removed, outputs cleared)
workshop: $(STAMP)
	$(BIN)/python tools/workshop.py --out workshop

nbval: $(STAMP)
	$(BIN)/python -m pytest -q $(NBVAL) $(if $(NB),$(wildcard notebooks/$(NB)*.ipynb book/$(NB)*.ipynb),$(NOTEBOOKS))

quick: $(STAMP)
	$(BIN)/python tests/quick_runs.py $(NB)

## make execute [NB=03]: re-run notebooks in place and refresh their committed outputs
execute: $(STAMP)
	for nb in $(if $(NB),$(wildcard notebooks/$(NB)*.ipynb book/$(NB)*.ipynb),$(NOTEBOOKS)); do \
	  echo "executing $$nb"; (cd $$(dirname $$nb) && $(CURDIR)/$(BIN)/jupyter execute --inplace --timeout=1800 \
	    --kernel_name=python3 $$(basename $$nb)) || exit 1; done

## make run NB=03 PARAMS="-p QUICK True": papermill run into _build/runs/ (the committed notebook is untouched)
run: $(STAMP)
	@test -n "$(NB)" || { echo 'usage: make run NB=03 PARAMS="-p QUICK True"'; exit 1; }
	mkdir -p _build/runs
	nb=$$(ls notebooks/$(NB)*.ipynb | head -1); out=_build/runs/$$(basename $$nb); \
	$(BIN)/papermill $$nb $$out --cwd notebooks -k python3 -p RESULTS_DIR ../_build/runs $(PARAMS) && echo "wrote $$out"

clean:
	rm -rf _build
