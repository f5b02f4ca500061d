# seiteneinsteiger: two commands from a fresh clone
#   make demo   run the main job on the bundled examples
#   make test   ruff, mypy --strict and the whole pytest suite (rules and form tests included)
#   make bench  the benchmarks in benchmarks/
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SE     := $(BIN)/seiteneinsteiger
DEMO_OUT ?= demo-output

export TERMINAL_WIDTH := 3000
export _TYPER_FORCE_DISABLE_TERMINAL := 1

.PHONY: demo test lint typecheck unit bench clean

# The venv is (re)installed whenever pyproject.toml changes or the venv is missing.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@# an editable install runs from src/: compile it once, as pip does for an installed wheel
	$(BIN)/python -m compileall -q src
	@touch $(STAMP)

# The demo keeps its export log and temp files in demo-output/, never in a counsellor's own
# data directory.
demo: export SEITENEINSTEIGER_HOME := $(CURDIR)/$(DEMO_OUT)/home
demo: $(STAMP)
	@mkdir -p $(DEMO_OUT)
	@echo "== 1. Intakes prüfen ================================================"
	$(SE) intake validate examples/intakes
	@echo
	@echo "== 2. Empfehlungen mit Begründung ==================================="
	$(SE) recommend examples/intakes --explain
	@echo
	@echo "== 3. Zweisprachiges Erfassungsformular (Deutsch/Arabisch) =========="
	$(SE) form template --lang ar -o $(DEMO_OUT)/erfassung-ar.xlsx --force
	@echo
	@echo "== 4. Arbeitsmappe für die aufnehmende Schule ======================="
	$(SE) export school examples/intakes -o $(DEMO_OUT)/schule.xlsx --force
	@echo
	@echo "== 5. Brief für die Familie (Deutsch/Arabisch, PDF) =================="
	$(SE) export family-letter examples/intakes/amal-haddad.yaml -o $(DEMO_OUT)/brief-amal.pdf --force
	@echo
	@echo "Fertig. Die Schul-Arbeitsmappe liegt in $(DEMO_OUT)/schule.xlsx, der Brief in $(DEMO_OUT)/brief-amal.pdf"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks conftest.py
	$(BIN)/ruff format --check src tests benchmarks conftest.py

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(DEMO_OUT) .mypy_cache .ruff_cache .pytest_cache .hypothesis
