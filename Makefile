# The project's commands. Each builds .venv first when it is missing or
# when pyproject.toml, requirements-dev.txt or constraints.txt changed.
#
#   make run            serve the demo (minitwit) on http://127.0.0.1:5000,
#                       installing only flask.py and the libraries it needs
#   make run APP=flaskr serve another example (hello, flaskr, minitwit);
#                       PORT=8080 and HOST=... choose where it listens
#   make check          mypy and flask.py's own fast tests (tests/, not
#                       marked slow), for the edit-test loop
#   make test-integration  the rest: servers, browsers, the cluster, load,
#                       the docs builds, packaging (marked slow, by folder
#                       in tests/conftest.py) and the examples' own tests
#   make test           mypy, then both parts in one run, with coverage
#   make check-repeat N=20  make check's tests N times in a row (none may flake)
#   make scaleout-repeat N=10  the cluster tests N times in a row, with the
#                       figures of each run's rolling deploy
#   make docs           build the HTML documentation into docs/_build/html
#   make bench          compare flask.py with Flask 3.1, Bottle, Falcon, Werkzeug
#   make bench QUICK=1  the same, in under a minute
#   make bench-server   requests/s behind Granian and gunicorn, loaded by wrk
#                       (QUICK=1: about two minutes)
#   make clean          remove every built or downloaded file
#
# VENV=, PYTHON= and CONSTRAINTS= pick another environment, its Python and
# its runtime pins: .ci/run runs the fast tests on each supported Python
# that way, against the lowest supported versions, and with CONSTRAINTS=
# (empty: no pins) against the newest releases pyproject.toml allows.

PYTHON ?= python3
VENV ?= .venv
CONSTRAINTS ?= constraints.txt
BIN := $(VENV)/bin
APP ?= minitwit
PORT ?= 5000
HOST ?= 127.0.0.1
# The example applications make run knows: examples/hello.py and the
# folders examples/NAME holding NAME.py.
APPS := hello $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard examples/*/*.py)))))

.PHONY: run check check-repeat scaleout-repeat test test-integration venv clean docs bench bench-server

venv: $(VENV)/.installed

$(VENV)/.installed: setup.py pyproject.toml requirements-dev.txt $(CONSTRAINTS)
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		$(if $(CONSTRAINTS),-c $(CONSTRAINTS)) -e . -r requirements-dev.txt
	touch $@

# make run needs the runtime only: the libraries pinned in constraints.txt
# (Werkzeug, Jinja2, itsdangerous, MarkupSafe) in .venv, and flask.py on its
# path through a .pth file, as an editable install does, without the
# minute-long build of one. make test later adds the test and documentation
# tools to .venv. Where the system Python has a pip that can install into
# another environment (--python), the venv is made without a pip of its
# own: copying one in takes longer than all the rest.
$(VENV)/.runtime: pyproject.toml $(CONSTRAINTS)
	@test -x $(BIN)/python || { \
	  if $(PYTHON) -c 'import pip, sys; sys.exit(tuple(map(int, pip.__version__.split(".")[:2])) < (22, 3))' 2>/dev/null; \
	  then $(PYTHON) -m venv --without-pip $(VENV); else $(PYTHON) -m venv $(VENV); fi; }
	@test -f $(VENV)/.installed || { \
	  if [ -x $(BIN)/pip ]; then pip="$(BIN)/python -m pip"; \
	  else pip="$(PYTHON) -m pip --python $(BIN)/python"; fi; \
	  $$pip install --quiet --disable-pip-version-check -r $(CONSTRAINTS) && \
	  $(BIN)/python -c 'import site, sys; open(site.getsitepackages()[0] + "/flask-py.pth", "w").write(sys.argv[1] + "\n")' "$(CURDIR)"; }
	@touch $@

run:
	@case " $(APPS) " in *" $(APP) "*) ;; *) \
	  echo "make run: unknown APP '$(APP)'; choose one of: $(APPS)" >&2; exit 2;; esac
	@case "$(PORT)" in ''|*[!0-9]*) \
	  echo "make run: PORT must be a port number, such as PORT=8080, not '$(PORT)'" >&2; exit 2;; esac
	@# -s: no "is up to date" when the runtime is there already.
	@$(MAKE) -s --no-print-directory $(VENV)/.runtime
	@# Bind the address once before saying anything, as the server will (with
	@# SO_REUSEADDR), so that a port another program holds is told with the
	@# way out instead of after "Serving ...".
	@error=$$("$(BIN)/python" -c 'import socket, sys; host, port = sys.argv[1], int(sys.argv[2]); s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((host, port))' \
	  "$(HOST)" "$(PORT)" 2>&1 | tail -n 1 | sed 's/^[A-Za-z.]*Error: //'); \
	if [ -n "$$error" ]; then \
	  echo "make run: cannot listen on $(HOST):$(PORT): $$error." >&2; \
	  case "$$error" in *"in use"*|*"ermission"*) \
	    echo "Stop the program that uses the port, or choose another port," \
	      "for example: make run APP=$(APP) PORT=8080" >&2;; \
	  *) echo "Choose an address of this machine, for example:" \
	      "make run APP=$(APP) HOST=127.0.0.1" >&2;; esac; \
	  exit 2; fi
	@# flaskr and minitwit live in their own folder (examples/APP/APP.py) and
	@# create their database there on the first start; hello is examples/hello.py.
	@if [ -d examples/$(APP) ]; then dir=examples/$(APP); else dir=examples; fi; \
	echo "Serving $$dir/$(APP).py on http://$(HOST):$(PORT)/ (Ctrl-C stops it)."; \
	echo "For this demo only: DEBUG=1 and a development SECRET_KEY are set."; \
	if [ "$(APP)" = flaskr ]; then echo "Log in as admin, password default."; fi; \
	cd $$dir && DEBUG=1 SECRET_KEY="development key, not for production" \
	  FLASKR_USERNAME=admin FLASKR_PASSWORD=default HOST="$(HOST)" PORT="$(PORT)" \
	  exec "$(CURDIR)/$(BIN)/python" $(APP).py

# The two parts of the suite: make check's core and the integration tests.
CORE := -m "not slow and not example"
INTEGRATION := -m "slow or example"

check: venv
	$(BIN)/mypy --strict flask.py
	$(BIN)/python -m pytest -q $(CORE)

test-integration: venv
	$(BIN)/python -m pytest -q $(INTEGRATION)

# How many runs the repeat targets make.
N ?= 10

check-repeat: venv
	bash tests/repeat.sh $(N) $(BIN)/python -m pytest -q $(CORE) -p no:cacheprovider

scaleout-repeat: venv
	FLASK_TEST_REQUIRE_ALL=1 SHOW='rolling restart:|nginx reload:' bash tests/repeat.sh $(N) \
		$(BIN)/python -m pytest -q tests/scaleout -p no:cacheprovider

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

# The same applications served by real servers on 127.0.0.1 and loaded by
# wrk (installed with apt-get when missing, where that is possible).
bench-server:
	$(PYTHON) benchmarks/server_bench.py $(if $(QUICK),--quick)
