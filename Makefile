# Two commands for a new user: `make serve` and `make test`. Everything they need is
# installed here, into .venv (Python packages) and from Debian (Chromium, for browser tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX_DIR ?= var/index
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
SIZES ?= 1k,10k,100k

.PHONY: serve index install install-test install-bench browser test lint bench clean

serve: install index
	RESEARCH_SEARCH_INDEX=$(INDEX_DIR) $(BIN)/gunicorn --workers $(WORKERS) \
	  --bind $(HOST):$(PORT) --access-logfile - 'web:create_app()'

# Build the index from the bundled samples when there is none yet.
index: install
	@if ls $(INDEX_DIR)/_MAIN_*.toc >/dev/null 2>&1; then \
	  echo "index in $(INDEX_DIR) is there; run '$(BIN)/research-search reindex' to refresh it"; \
	else \
	  $(BIN)/research-search reindex samples --index-dir $(INDEX_DIR) || [ $$? -eq 1 ]; \
	fi

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Debian's chromium drives the browser tests. Without root (and no password-less sudo)
# it cannot be installed here: the browser tests then skip and say why (but not with CI=true).
browser:
	@if [ -x /usr/bin/chromium ]; then \
	  true; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	  sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
	  echo "note: cannot install Debian's chromium without root; browser tests will skip"; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test browser lint
	$(BIN)/pytest --junitxml=test-artifacts/junit.xml

install-bench: $(VENV)/.installed-bench
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

# Benchmarks on real pages (Debian's python3.11-doc and debian-handbook, and wrk, installed
# when missing); not part of `make test`. `make bench SIZES=1k,10k` picks corpus sizes.
bench: install-bench
	$(BIN)/python -m benchmarks --sizes $(SIZES)

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .ruff_cache *.egg-info
