"""A benchmark worker: runs inside one framework's virtualenv, builds that
framework's applications once, then times batches of requests as the
coordinator (bench.py) asks, over its stdin and stdout, one JSON object
per line.

    python worker.py MODULE      MODULE is a module of apps/, e.g. project

Requests: ``{"op": "setup"}`` builds and checks every application and
answers the library versions; ``{"op": "run", "scenario": NAME, "n": N}``
makes N requests and answers the process CPU time they took.
"""
import gc
import importlib
import importlib.metadata
import io
import json
import sys
import time

import scenarios

PACKAGES = ["Flask", "bottle", "falcon", "Werkzeug", "Jinja2", "itsdangerous", "MarkupSafe", "click", "blinker"]


def _no_op_start_response(status, headers, exc_info=None):
    return _no_op_write


def _no_op_write(data):
    pass


class Worker:
    def __init__(self, module_name):
        self.module = importlib.import_module(f"apps.{module_name}")
        self.prepared = {}  # scenario name -> (app, environ, body)

    def setup(self):
        problems = {}
        for scenario in scenarios.SCENARIOS + scenarios.EXTRAS + scenarios.ROUTE_SCALING:
            app = getattr(self.module, scenario.builder)(*scenario.args)
            cookie = None
            if scenario.session:
                # A first request without a cookie makes the framework sign
                # a session holding counter=1; the timed request sends it.
                environ = scenarios.make_environ(scenario)
                _, headers, _ = scenarios.call(app, environ, scenario.body)
                cookie = scenarios.session_cookie(headers)
            environ = scenarios.make_environ(scenario, cookie)
            status, headers, data = scenarios.call(app, environ, scenario.body)
            found = scenarios.check(scenario, status, headers, data)
            if found:
                problems[scenario.name] = found
            self.prepared[scenario.name] = (app, environ, scenario.body)
        versions = {}
        for name in PACKAGES:
            try:
                versions[name] = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                pass
        return {"problems": problems, "versions": versions,
                "python": sys.version.split()[0]}

    def run(self, name, n):
        """Make ``n`` requests of a scenario; return their CPU seconds."""
        app, environ, body = self.prepared[name]
        copy = environ.copy
        BytesIO = io.BytesIO
        start_response = _no_op_start_response
        gc.collect()
        start = time.process_time()
        for _ in range(n):
            env = copy()
            env["wsgi.input"] = BytesIO(body)
            result = app(env, start_response)
            for _chunk in result:
                pass
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return time.process_time() - start


def main():
    worker = Worker(sys.argv[1])
    for line in sys.stdin:
        message = json.loads(line)
        if message["op"] == "setup":
            answer = worker.setup()
        elif message["op"] == "run":
            answer = {"seconds": worker.run(message["scenario"], message["n"])}
        else:
            break
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
