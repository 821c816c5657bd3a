# Two commands: `make run` (set up, then the main job) and `make test` (set up, then the tests).
# Both create .venv when missing and install the project from pyproject.toml, with the exact
# versions of requirements.lock as constraints. Re-installs happen only when those files change.

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
TEXT ?= 안녕하세요, 오늘 날씨가 정말 좋네요
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-all lint catalogs bench lock clean notebook

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; seqlab needs Python 3.11 (make PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Installs go through uv (pinned below), which installs the same locked set as pip 3-4x faster (about 1 min
# against 4 on two cores: docs/benchmarks.md, Set-up). uv does not read pip's configuration, so
# scripts/uv_index_args.py passes it pip's indexes, find-links and constraints. If uv cannot be installed or
# fails, pip installs instead, as before, and says so.
#
# Bytecode: `make run` compiles every installed module at install time (--compile-bytecode, about a minute on two
# cores), so that each command starts fast even where PYTHONDONTWRITEBYTECODE is set. `make test` does not: most of
# the 18,000 modules (transformers' hundreds of models, torch's compilers) are never imported. Its test run writes
# the bytecode of what it imports, once, on first import (PYTHONDONTWRITEBYTECODE is cleared for it), which costs
# the suite a few seconds. Times: docs/benchmarks.md, Set-up.
UV_VERSION := 0.13.9
define install
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION) && \
	$(BIN)/uv pip install --quiet --python $(BIN)/python $(2) \
		$$($(BIN)/python scripts/uv_index_args.py) -c requirements.lock -e "$(1)" || \
	{ echo "uv could not install seqlab; installing with pip (slower)"; \
	  $(BIN)/python -m pip install --quiet -c requirements.lock -e "$(1)"; }
endef

$(VENV)/.installed-run: pyproject.toml requirements.lock | $(BIN)/python
	$(call install,.,--compile-bytecode)
	@touch $@

$(VENV)/.installed-dev: pyproject.toml requirements.lock | $(BIN)/python
	$(call install,.[dev])
	@touch $@

run: $(VENV)/.installed-run
	$(BIN)/seqlab explain "$(TEXT)"

# The default suite runs in TEST_WORKERS processes (pytest-xdist): each test file is one unit, and the web tests
# are one unit together, handed out first (tests/conftest.py), so that one worker starts the web server.
# Each worker builds its own cache (the e5 conversion, Kiwi's vectors). Times: docs/benchmarks.md, Set-up.
TEST_WORKERS ?= 2

test: $(VENV)/.installed-dev
	$(BIN)/lint-imports
	$(BIN)/ruff check seqlab tests benchmarks scripts
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

lint: $(VENV)/.installed-dev
	$(BIN)/lint-imports
	$(BIN)/ruff check seqlab tests benchmarks scripts

# Message catalogs: extract every human string (babel.cfg), merge into seqlab/locale/*/seqlab.po, compile the .mo
# files (committed, so that a fresh clone speaks Korean without this step). Translate new entries in ko/.../seqlab.po.
catalogs: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 -k t --no-location --sort-output \
		--project seqlab --copyright-holder seqlab -o seqlab/locale/seqlab.pot .
	$(BIN)/pybabel update -i seqlab/locale/seqlab.pot -d seqlab/locale -D seqlab --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d seqlab/locale -D seqlab --statistics

# JupyterLab on the lecture notebooks (notebooks/lecture_ko.ipynb, lecture_en.ipynb). JupyterLab is not a test
# dependency: it is installed into the venv on first use, with the notebook extra (anywidget, ipywidgets).
notebook: $(VENV)/.installed-dev
	@$(BIN)/python -c "import jupyterlab" 2>/dev/null || $(BIN)/python -m pip install --quiet jupyterlab
	$(BIN)/python -m pip install --quiet -e ".[notebook]"
	$(BIN)/jupyter lab --notebook-dir=notebooks

# Everything, the slow tests included (minutes more), with the optional Ray engine installed for its test.
# in a variable: a comma written inside $(call ...) would split the argument in two
ALL_EXTRAS := .[dev,ray]
test-all: $(VENV)/.installed-dev
	$(call install,$(ALL_EXTRAS))
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -m "not network"

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_tokenize.py

# Refresh requirements.lock from the current environment (after changing pyproject.toml).
lock: $(VENV)/.installed-dev
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^seqlab' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
