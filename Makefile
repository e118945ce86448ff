# Two commands on a fresh machine with Python >= 3.11 and make:
#   make run    create .venv, install autarky, run the default scenario end to end
#   make test   install the test extras and run the test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= data/scenarios/race.yaml

.PHONY: run test lint bench clean libreoffice

$(BIN)/autarky: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/autarky
	$(BIN)/pip install -q -e '.[test]'
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

test: $(VENV)/.test-deps libreoffice
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .

bench: $(BIN)/autarky
	$(BIN)/python benchmarks/lp.py --size small

clean:
	rm -rf $(VENV) build *.egg-info
