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

# The demo keeps its register, export log and temp files in demo-output/, never in a
# counsellor's own data directory or shared register (no database URL, no config.yaml).
demo: export SEITENEINSTEIGER_HOME := $(CURDIR)/$(DEMO_OUT)/home
demo: export XDG_CONFIG_HOME := $(CURDIR)/$(DEMO_OUT)/config
demo: export SEITENEINSTEIGER_DATABASE_URL :=
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
	@echo "== 6. Schulplatz: Verzeichnis, Kapazitäten, Vorschlag, Mappe der Schule ======"
	@rm -f $(DEMO_OUT)/home/cases.sqlite3 $(DEMO_OUT)/home/cases.sqlite3-wal $(DEMO_OUT)/home/cases.sqlite3-shm
	$(SE) schools import
	$(SE) schools capacity import examples/capacity/kreis-mettmann.csv examples/capacity/kreis-unna.csv examples/capacity/stadt-herne.csv
	$(SE) case add --no-write-back examples/intakes/amal-haddad.yaml examples/intakes/zahra-ahmadi.yaml
	$(SE) case propose ME-2025-0142 --top 2
	$(SE) case propose ME-2025-0142 --choose 189601
	$(SE) export school --school 189601 -o $(DEMO_OUT)/schule-189601.xlsx --force
	$(SE) case status ME-2025-0142 aufgenommen
	$(SE) case list
	@echo
	@echo "== 7. Eine Sitzung: mehrere Befehle ohne Ladezeit (hier aus einer Umleitung) ======"
	printf 'case propose ME-2025-0167 --top 1\ncase stats\n' | $(SE) session
	@echo
	@echo "Fertig. Die Schul-Arbeitsmappen liegen in $(DEMO_OUT)/schule.xlsx und $(DEMO_OUT)/schule-189601.xlsx, der Brief in $(DEMO_OUT)/brief-amal.pdf"

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
