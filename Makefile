# goodterms: `make demo` and `make test` work on a fresh machine (Debian, Python 3.11).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo web test lint typecheck unit pg-test system-deps docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,web,embed]'
	touch $(STAMP)

demo: $(STAMP)
	rm -f goodterms.db goodterms.db-wal goodterms.db-shm
	$(BIN)/goodterms --db sqlite:///goodterms.db demo
	$(BIN)/goodterms --db sqlite:///goodterms.db assess

# The demo in the browser: serve it on 127.0.0.1 (WEB_PORT) and print a one-time sign-in link for
# its owner. Run again, it prints a fresh link (the old one and any password stop working); no
# password is written anywhere.
WEB_PORT   ?= 8000
WEB_URL    := http://127.0.0.1:$(WEB_PORT)
DEMO_OWNER := owner@siambaltic.example
web: $(STAMP)
	@test -f goodterms.db || $(MAKE) --no-print-directory demo
	@echo "Sign in as $(DEMO_OWNER): open the link below and choose a password."
	@$(BIN)/goodterms --db sqlite:///goodterms.db user link $(DEMO_OWNER) --base-url $(WEB_URL) 2>/dev/null \
	  || $(BIN)/goodterms --db sqlite:///goodterms.db user add $(DEMO_OWNER) --role owner --money --base-url $(WEB_URL)
	$(BIN)/goodterms --db sqlite:///goodterms.db serve --host 127.0.0.1 --port $(WEB_PORT)

# System packages the tests need: PostgreSQL (server path) and a Thai font (PDF reports).
system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider --cov --cov-report=term

pg-test: $(STAMP)
	bash scripts/with-postgres.sh $(BIN)/pytest -q -p no:cacheprovider -x

# Both backends, side by side (scripts/test-both.sh); `make unit` or `make pg-test` runs one.
test: $(STAMP) system-deps lint typecheck
	bash scripts/test-both.sh

docs: $(STAMP)
	$(BIN)/python -m goodterms.ledger.eventdoc docs
	$(BIN)/python -m goodterms.settingsdoc .
	$(BIN)/python -m goodterms.cli.helpdoc docs/cli.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
