# Two commands on a fresh machine with Python >= 3.11 and make:
#   make run    create .venv, install autarky, run the default scenario end to end
#   make test   install the test extras and run the test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= data/scenarios/race.yaml

.PHONY: run test lint bench clean libreoffice chromium

# First install: one line saying what is installed and roughly how long, a spinner with the
# package pip is on and the elapsed time (tools/install.py), one line when done.
INSTALL := $(BIN)/python tools/install.py

$(BIN)/autarky: pyproject.toml
	@$(PY) -m venv $(VENV)
	@$(INSTALL) "autarky and its dependencies into $(VENV) (Pyomo, HiGHS, pandas, Dask, \
	matplotlib, Plotly, the game solver)" "about 1-2 minutes, more where a package compiles" \
	  -- sh -c '$(BIN)/pip install --upgrade pip && $(BIN)/pip install -e .'
	@touch $@

$(VENV)/.test-deps: $(BIN)/autarky
	@$(INSTALL) "the test tools (pytest, hypothesis, ruff)" "under a minute" \
	  -- $(BIN)/pip install -e '.[test]'
	@touch $@

run: $(BIN)/autarky
	$(BIN)/autarky run $(SCENARIO)

# The spreadsheet check opens the workbooks in LibreOffice: installed here when missing and
# possible (root with apt-get); otherwise that test is skipped with its reason.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing LibreOffice Calc (for the spreadsheet check)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends libreoffice-calc >/dev/null) || echo "LibreOffice install failed"; \
	  else echo "LibreOffice not available: the spreadsheet check will be skipped"; fi; }

# The report.html check opens the page in headless Chromium and the chart render checks turn
# PDFs into pictures with pdftoppm: Debian's 'chromium' and 'poppler-utils', installed here when
# missing and possible (root with apt-get); otherwise those tests are skipped with their reason.
chromium:
	@command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Chromium and poppler-utils (for the report and chart render checks)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends chromium poppler-utils >/dev/null) || echo "Chromium install failed"; \
	  else echo "Chromium or pdftoppm not available: the report and chart render checks will be skipped"; fi; }

test: $(VENV)/.test-deps libreoffice chromium
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .

bench: $(BIN)/autarky
	$(BIN)/python benchmarks/lp.py --size small

clean:
	rm -rf $(VENV) build *.egg-info
