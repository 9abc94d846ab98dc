# The project's commands. Each builds .venv first when it is missing or
# when setup.py or requirements-dev.txt changed.
#
#   make run            serve an example app on http://127.0.0.1:5000
#   make run APP=flaskr serve another one (hello, flaskr, minitwit)
#   make test           run every test, with flask.py's coverage report
#   make docs           build the HTML documentation into docs/_build/html
#   make bench          compare flask.py with Flask 3.1, Bottle and Werkzeug
#   make bench QUICK=1  the same, in under a minute

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP ?= minitwit

.PHONY: run test venv clean docs bench

venv: $(VENV)/.installed

$(VENV)/.installed: setup.py pyproject.toml requirements-dev.txt
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e . -r requirements-dev.txt
	touch $@

run: venv
	@# flaskr and minitwit live in their own folder (examples/APP/APP.py) and
	@# create their database there on the first start; hello is examples/hello.py.
	@if [ -d examples/$(APP) ]; then dir=examples/$(APP); else dir=examples; fi; \
	echo "Serving $$dir/$(APP).py: point your browser to http://127.0.0.1:5000/ (Ctrl-C stops it)"; \
	cd $$dir && exec "$(CURDIR)/$(BIN)/python" $(APP).py

test: venv
	$(BIN)/python -m pytest --cov=flask --cov-branch --cov-report=term-missing --cov-fail-under=100

docs: venv
	$(BIN)/sphinx-build -W --keep-going -n -b html docs docs/_build/html

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .coverage build *.egg-info

# Each framework gets its own virtualenv under benchmarks/.venvs/ (made by
# bench.py from benchmarks/requirements/); the report goes to benchmarks/results/.
bench:
	$(PYTHON) benchmarks/bench.py $(if $(QUICK),--quick)
