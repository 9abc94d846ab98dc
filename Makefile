# The project's commands. Each builds .venv first when it is missing or
# when pyproject.toml, requirements-dev.txt or constraints.txt changed.
#
#   make run            serve an example app on http://127.0.0.1:5000
#   make run APP=flaskr serve another one (hello, flaskr, minitwit)
#   make check          type-check flask.py and run the fast tests (seconds)
#   make test           type-check flask.py and run every test, with coverage
#   make docs           build the HTML documentation into docs/_build/html
#   make bench          compare flask.py with Flask 3.1, Bottle and Werkzeug
#   make bench QUICK=1  the same, in under a minute
#   make clean          remove every built or downloaded file
#
# VENV= and CONSTRAINTS= pick another environment and runtime pins: .ci/run
# runs the fast tests against the lowest supported versions that way.

PYTHON ?= python3
VENV ?= .venv
CONSTRAINTS ?= constraints.txt
BIN := $(VENV)/bin
APP ?= minitwit

.PHONY: run check test venv clean docs bench

venv: $(VENV)/.installed

$(VENV)/.installed: setup.py pyproject.toml requirements-dev.txt $(CONSTRAINTS)
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c $(CONSTRAINTS) -e . -r requirements-dev.txt
	touch $@

run: venv
	@# flaskr and minitwit live in their own folder (examples/APP/APP.py) and
	@# create their database there on the first start; hello is examples/hello.py.
	@if [ -d examples/$(APP) ]; then dir=examples/$(APP); else dir=examples; fi; \
	echo "Serving $$dir/$(APP).py: point your browser to http://127.0.0.1:5000/ (Ctrl-C stops it)"; \
	cd $$dir && exec "$(CURDIR)/$(BIN)/python" $(APP).py

check: venv
	$(BIN)/mypy --strict flask.py
	$(BIN)/python -m pytest -q -m "not slow"

test: venv
	$(BIN)/mypy --strict flask.py
	$(BIN)/python -m pytest --cov=flask --cov-branch --cov-report=term-missing --cov-fail-under=100

docs: venv
	$(BIN)/sphinx-build -W --keep-going -n -b html docs docs/_build/html

clean:
	rm -rf $(VENV) .venv-* .pytest_cache .mypy_cache .hypothesis .coverage build dist *.egg-info \
		docs/_build benchmarks/.venvs

# Each framework gets its own virtualenv under benchmarks/.venvs/ (made by
# bench.py from benchmarks/requirements/); the report goes to benchmarks/results/.
bench:
	$(PYTHON) benchmarks/bench.py $(if $(QUICK),--quick)
