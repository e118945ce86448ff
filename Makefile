# Two commands on a fresh machine with Python >= 3.11 and make:
#   make run    create .venv, install autarky, run the default scenario end to end
#   make test   install the test extras and run the test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= data/scenarios/baseline.yaml

.PHONY: run test lint bench clean

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

test: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .

bench: $(BIN)/autarky
	$(BIN)/python benchmarks/lp.py --size small

clean:
	rm -rf $(VENV) build *.egg-info
