# The project's commands. Each builds .venv first when it is missing or
# when setup.py or requirements-dev.txt changed.
#
#   make run            serve an example app on http://127.0.0.1:5000
#   make run APP=flaskr serve another one (hello, flaskr, minitwit)
#   make test           run every test, with flask.py's coverage report

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP ?= hello

.PHONY: run test venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: setup.py pyproject.toml requirements-dev.txt
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e . -r requirements-dev.txt
	touch $@

run: venv
	@echo "Serving examples/$(APP): open http://127.0.0.1:5000/ in your browser (Ctrl-C stops it)"
	cd examples && ../$(BIN)/python $(APP).py

test: venv
	$(BIN)/python -m pytest --cov=flask --cov-branch --cov-report=term-missing --cov-fail-under=100

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .coverage build *.egg-info
