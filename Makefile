# make run   sets everything up and serves the portal on http://127.0.0.1:8000 (SQLite, ./var), with the mail worker
# make test  sets everything up and runs the whole test suite (ruff, import contracts, pytest)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PO := $(wildcard src/zorgid/locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)
TEST_HOME ?= $(CURDIR)/var/test

.PHONY: run test lint messages system-deps clean validatietool

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*; touch $(STAMP)

%.mo: %.po
	msgfmt --check -o $@ $<

messages: $(MO)

system-deps:
	bash scripts/system-deps.sh

run: $(STAMP)
	@command -v msgfmt >/dev/null && $(MAKE) -s messages || echo "(gettext missing: English texts not compiled)"
	$(BIN)/zorgid migrate
	$(MAKE) -s validatietool
	$(BIN)/zorgid mail send & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; $(BIN)/zorgid serve

# the validation tool as one downloadable file, served at /aanvragen/validatietool (scripts/build_validatietool.py)
validatietool: $(STAMP)
	$(BIN)/python scripts/build_validatietool.py "$${ZORGID_HOME:-var}/dist/zorgid-validatietool.pyz"

# NL Design System CSS (portal) and axe-core (browser tests), from the versions frontend/package-lock.json locks,
# copied into the repository: the server and `make test` need no npm (frontend/copy_static.py, docs/architecture.md)
.PHONY: static
static:
	cd frontend && npm ci --no-audit --no-fund
	$(PYTHON) frontend/copy_static.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: system-deps $(STAMP) messages lint
	rm -rf $(TEST_HOME); mkdir -p $(TEST_HOME)
	ZORGID_HOME=$(TEST_HOME) $(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var
