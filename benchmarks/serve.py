"""The WSGI target of the server benchmark (server_bench.py): Granian and
gunicorn import ``serve:app`` with this folder as their working directory.
The environment says what to build: ``BENCH_APP_MODULE``, a module of
apps/ (project, flask31, bottle013, falcon44, raw_wsgi), and
``BENCH_SCENARIO``, the name of a scenario in scenarios.py, whose builder
and arguments are the ones the in-process benchmark uses.
"""
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import scenarios  # noqa: E402  (needs this folder on sys.path)


def build(module_name, scenario_name):
    module = importlib.import_module(f"apps.{module_name}")
    for scenario in scenarios.SCENARIOS + scenarios.EXTRAS + scenarios.ROUTE_SCALING:
        if scenario.name == scenario_name:
            return getattr(module, scenario.builder)(*scenario.args)
    raise LookupError(f"no scenario named {scenario_name!r}")


app = build(os.environ["BENCH_APP_MODULE"], os.environ["BENCH_SCENARIO"])
