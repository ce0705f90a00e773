# Two commands for a new user: `make demo` and `make test`. Each makes or refreshes .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPEECH := examples/postholiday_meeting_raw.txt
PYTEST_ARGS ?=

.PHONY: demo test bench voice clean-venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "lectern needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,neural]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/lectern build $(SPEECH) --engine espeak -o output/postholiday_meeting

test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/lectern voices install neural   # once (verified by hash): the neural voice's tests run on the real model
	$(BIN)/python -m pytest $(PYTEST_ARGS)

voice: $(STAMP)
	$(BIN)/lectern voices install neural

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean-venv:
	rm -rf $(VENV)
