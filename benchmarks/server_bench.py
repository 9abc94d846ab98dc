"""The server benchmark: ``make bench-server`` runs it (``make bench-server
QUICK=1`` for the quick mode).

    python3 benchmarks/server_bench.py [--quick] [--output FILE]

Where bench.py times the frameworks' own work in process, this serves the
hello, routing and session applications of apps/ (the same applications,
built by the same builders with the same arguments) behind two real WSGI
servers, Granian and gunicorn, and loads them over loopback with wrk.
Each framework runs in its own virtualenv under ``benchmarks/.venvs/``
(the ones bench.py makes, which hold the pinned servers too), and next to
them a raw WSGI callable (apps/raw_wsgi.py) that sends the same bytes
without doing any work: the most a server can give any framework.

For each server and scenario, one server process per row is started on a
free port of 127.0.0.1, its response checked (status, body, the session
cookie), warmed up with a short wrk run, and then measured in rounds: each
round runs wrk once against every row, in an order rotated from round to
round, so that a slow moment of the machine falls on different rows. The
report gives the median requests per second over the rounds, the median
of the per-round ratios to the raw callable, and the spread of the rounds.
Every server is stopped before the next scenario starts, and on any exit.

Standard library only; it never imports any framework itself.
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import bench  # noqa: E402  (needs HERE on sys.path)
import chart  # noqa: E402
import scenarios  # noqa: E402

#: (key, label, virtualenv, module of apps/): bench.py's frameworks but the
#: bare Werkzeug application, and the raw callable, which runs in the
#: project's virtualenv, on the same Python and the same servers.
ROWS = [(key, label, key, module) for key, label, module, _ in bench.FRAMEWORKS if key != "werkzeug"]
ROWS.append(("raw", "raw WSGI", "project", "raw_wsgi"))
RAW = "raw"
SCENARIO_NAMES = ["hello", "routing", "session"]

#: One process serving the application, one Python thread running it.
#: Granian: one worker process with one runtime (I/O) thread and one
#: blocking thread for the WSGI callable, HTTP/1.1 only, no websockets, no
#: access log. gunicorn: one sync worker, which answers one connection at
#: a time and closes it after each response (no keep-alive).
SERVERS = {
    "granian": {
        "label": "Granian 2.8 (WSGI)",
        "options": "--interface wsgi --workers 1 --runtime-threads 1 --blocking-threads 1"
                   " --http 1 --no-ws --log-level warning",
        "argv": lambda port: [
            "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1", "--runtime-threads", "1", "--blocking-threads", "1",
            "--http", "1", "--no-ws", "--log-level", "warning", "--working-dir", HERE,
            "serve:app",
        ],
    },
    "gunicorn": {
        "label": "gunicorn 27 (sync worker)",
        "options": "--workers 1 --worker-class sync --log-level warning",
        "argv": lambda port: [
            "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
            "--worker-class", "sync", "--log-level", "warning", "--chdir", HERE, "serve:app",
        ],
    },
}

#: wrk's threads and connections, and per mode the rounds, the seconds of
#: each measured run and of the unmeasured warm-up before the first round.
THREADS, CONNECTIONS = 1, 8
MODES = {
    "quick": {"rounds": 1, "duration": 2, "warmup": 1},
    "full": {"rounds": 3, "duration": 10, "warmup": 2},
}

#: The request headers of the in-process benchmark's environ (scenarios.py)
#: that a client sends; wrk adds Host.
HEADERS = {"User-Agent": "bench/1.0", "Accept": "text/html,*/*;q=0.8"}
WRK_SCRIPT = os.path.join(HERE, "wrk_report.lua")


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_wrk():
    """wrk, from the system's packages: installed with apt-get when this
    runs as root on a system that has it, else a stop that says how."""
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is missing: installing Debian's package with apt-get")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
        if shutil.which("wrk"):
            return
    sys.exit("make bench-server needs the HTTP load generator wrk, which is not installed.\n"
             "Install it from your system's packages, for example on Debian or Ubuntu:\n"
             "    sudo apt-get install wrk\n"
             "(on macOS: brew install wrk), then run make bench-server again.")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def by_name(name):
    return next(s for s in scenarios.SCENARIOS if s.name == name)


def fetch(port, scenario, cookie=None):
    """One request of the scenario over HTTP: (status line, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = dict(HEADERS)
        if cookie:
            headers["Cookie"] = cookie
        path = scenario.path + (f"?{scenario.query}" if scenario.query else "")
        connection.request(scenario.method, path, body=scenario.body or None, headers=headers)
        response = connection.getresponse()
        return f"{response.status} {response.reason}", response.getheaders(), response.read()
    finally:
        connection.close()


class Server:
    """One server process serving one row's application of a scenario."""

    def __init__(self, server, row, scenario, logs):
        key, label, venv_key, module = row
        self.key, self.label, self.scenario = key, label, scenario
        self.port = free_port()
        self.log_path = os.path.join(logs, f"{server}-{scenario.name}-{key}.log")
        argv = SERVERS[server]["argv"](self.port)
        argv[0] = os.path.join(os.path.dirname(bench.venv_python(venv_key)), argv[0])
        env = dict(os.environ, BENCH_APP_MODULE=module, BENCH_SCENARIO=scenario.name,
                   PYTHONUNBUFFERED="1")
        with open(self.log_path, "w") as log_file:
            # A session of its own, so that stopping it reaches every
            # process of the server (Granian's and gunicorn's workers).
            self.process = subprocess.Popen(
                argv, cwd=HERE, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
                stderr=subprocess.STDOUT, start_new_session=True)
        self.cookie = None

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.label} exited: {self.output()}")
            try:
                return fetch(self.port, self.scenario)
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.label} did not answer: {self.output()}")
                time.sleep(0.1)

    def check(self):
        """Check the response as bench.py does; for the session, get the
        cookie of a first request (counter=1) that the measured ones send."""
        status, headers, body = self.wait_ready()
        if self.scenario.session:
            self.cookie = scenarios.session_cookie(headers)
            status, headers, body = fetch(self.port, self.scenario, self.cookie)
        problems = scenarios.check(self.scenario, status, headers, body)
        if problems:
            raise RuntimeError(f"{self.label} answered wrongly: {problems}")
        return status, headers, body

    def output(self):
        with open(self.log_path) as f:
            return f.read()[-2000:]

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        # Nothing of the session may outlive it (a worker that missed the
        # signal).
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def wrk(server, seconds):
    """Load one server for ``seconds``; wrk's figures as a dict."""
    argv = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", WRK_SCRIPT]
    for name, value in HEADERS.items():
        argv += ["-H", f"{name}: {value}"]
    if server.cookie:
        argv += ["-H", f"Cookie: {server.cookie}"]
    scenario = server.scenario
    argv.append(f"http://127.0.0.1:{server.port}{scenario.path}")
    out = subprocess.run(argv, capture_output=True, text=True, check=True,
                         timeout=seconds + 60).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK_JSON "))
    result = json.loads(line[len("WRK_JSON "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def measure(server_name, scenario, settings, logs):
    """Rounds of wrk runs against every row: ``{key: [result, ...]}``."""
    servers = []
    try:
        for row in ROWS:
            servers.append(Server(server_name, row, scenario, logs))
        responses = {}
        for server in servers:
            status, headers, body = server.check()
            responses[server.key] = {"status": status, "headers": headers, "body_bytes": len(body)}
        for server in servers:
            wrk(server, settings["warmup"])
        results = {server.key: [] for server in servers}
        for r in range(settings["rounds"]):
            shift = r % len(servers)
            for server in servers[shift:] + servers[:shift]:
                result = wrk(server, settings["duration"])
                errors = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
                if result["status"]:
                    raise RuntimeError(f"{server.label}: {result['status']} responses were not 2xx")
                result["errors"] = errors
                results[server.key].append(result)
            log(f"  {server_name} {scenario.name} round {r + 1}/{settings['rounds']}: " + ", ".join(
                f"{s.label} {results[s.key][-1]['rps']:,.0f}/s" for s in servers))
        return results, responses
    finally:
        for server in servers:
            server.stop()


def versions(venv_key):
    code = ("import importlib.metadata as m, json, sys\n"
            "names = ['flask.py', 'Flask', 'bottle', 'falcon', 'Werkzeug', 'granian', 'gunicorn']\n"
            "found = {}\n"
            "for n in names:\n"
            "    try: found[n] = m.version(n)\n"
            "    except m.PackageNotFoundError: pass\n"
            "print(json.dumps({'python': sys.version.split()[0], 'versions': found}))\n")
    return json.loads(subprocess.run([bench.venv_python(venv_key), "-c", code],
                                     capture_output=True, text=True, check=True, cwd=HERE).stdout)


# -- the report ----------------------------------------------------------------

def summarise(results):
    """Per server, scenario and row: median requests/s, the median of the
    per-round ratios to the raw callable, and the spread of the rounds."""
    summary = {}
    for server, by_scenario in results.items():
        for name, by_key in by_scenario.items():
            raw = [r["rps"] for r in by_key[RAW]]
            for key, runs in by_key.items():
                rps = [r["rps"] for r in runs]
                median = statistics.median(rps)
                summary[server, name, key] = {
                    "rps": median,
                    "ratio": statistics.median(a / b for a, b in zip(rps, raw)),
                    "spread": (max(rps) - min(rps)) / median,
                    "p50_ms": statistics.median(r["p50_us"] for r in runs) / 1000,
                    "bytes": statistics.median(r["bytes"] / r["requests"] for r in runs),
                    "errors": sum(r["errors"] for r in runs),
                }
    return summary


def targets(summary):
    hello = summary["granian", "hello", "project"]
    bottle = summary["granian", "hello", "bottle"]
    return [
        ("behind Granian, hello ≥ 0.8× the raw callable's requests/s", f"{hello['ratio']:.2f}×",
         hello["ratio"] >= 0.8),
        ("behind Granian, hello ≥ Bottle's requests/s",
         f"{hello['rps']:,.0f}/s against {bottle['rps']:,.0f}/s", hello["rps"] >= bottle["rps"]),
    ]


def report(mode, settings, setups, summary, loads, elapsed):
    labels = {key: label for key, label, *_ in ROWS}
    lines = []
    add = lines.append
    add(f"# Server benchmark results ({mode} mode)")
    add("")
    add(f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    add(f"- Machine: {bench.cpu_model()}, {os.cpu_count()} cores, {platform.system()}"
        f" {platform.release()}; wrk and the server share it, over loopback (127.0.0.1)")
    add(f"- Load average (1, 5, 15 min): {loads[0]} at the start, {loads[1]} at the end")
    add(f"- Python {setups['project']['python']}; " + "; ".join(
        f"{labels[key]}: " + ", ".join(f"{p} {v}" for p, v in setups[key]["versions"].items())
        for key in ("project", "flask31", "bottle", "falcon")))
    for server in SERVERS.values():
        add(f"- {server['label']}: `{server['options']}`")
    add(f"- Load: `wrk -t{THREADS} -c{CONNECTIONS} -d{settings['duration']}s` per run, after a"
        f" {settings['warmup']} s warm-up; {settings['rounds']} rounds, each running every row"
        f" in an order rotated from round to round")
    add(f"- Command: `make bench-server{' QUICK=1' if mode == 'quick' else ''}` (took {elapsed:.0f} s)")
    add("- Each figure is the median over the rounds; each ratio the median of the per-round"
        " ratios to the raw WSGI callable in the same round (1.00× is the server's own ceiling);"
        " ± is the spread of the rounds, (max − min) ÷ median.")
    for server_name, server in SERVERS.items():
        add("")
        add(f"## {server['label']}: requests per second (higher is better)")
        add("")
        add("| framework | " + " | ".join(f"{n} (req/s) | {n} ÷ raw" for n in SCENARIO_NAMES) + " |")
        add("|---" * (1 + 2 * len(SCENARIO_NAMES)) + "|")
        for key, label, *_ in ROWS:
            cells = []
            for name in SCENARIO_NAMES:
                s = summary[server_name, name, key]
                spread = f" ±{s['spread'] * 100:.0f}%" if settings["rounds"] > 1 else ""
                cells.append(f"{s['rps']:,.0f}{spread} | {s['ratio']:.2f}×")
            add(f"| {label} | " + " | ".join(cells) + " |")
    add("")
    add("## Median latency (ms) and bytes per response")
    add("")
    add("| server | scenario | " + " | ".join(label for _, label, *_ in ROWS) + " |")
    add("|---|---" + "|---" * len(ROWS) + "|")
    for server_name, server in SERVERS.items():
        for name in SCENARIO_NAMES:
            add(f"| {server['label']} | {name} | " + " | ".join(
                f"{summary[server_name, name, key]['p50_ms']:.2f} ms,"
                f" {summary[server_name, name, key]['bytes']:.0f} B" for key, *_ in ROWS) + " |")
    errors = {k: s["errors"] for k, s in summary.items() if s["errors"]}
    if errors:
        add("")
        add("Socket errors counted by wrk: " + ", ".join(
            f"{SERVERS[srv]['label']} {name} {labels[key]}: {count}"
            for (srv, name, key), count in errors.items()) + ".")
    add("")
    add("## Targets for flask.py")
    add("")
    add("| target | flask.py | met |")
    add("|---|---|---|")
    for text, value, met in targets(summary):
        add(f"| {text} | {value} | {'yes' if met else '**no**'} |")
    add("")
    return "\n".join(lines)


def draw(mode, summary, svg_path):
    panels = []
    for server_name, server in SERVERS.items():
        groups = []
        for name in SCENARIO_NAMES:
            rows = []
            for key, label, *_ in ROWS:
                s = summary[server_name, name, key]
                rows.append((label, s["rps"], f"{s['rps']:,.0f}/s  ({s['ratio']:.2f}× raw)"))
            groups.append((name, rows))
        panels.append((server["label"], groups))
    svg = chart.bar_chart(
        f"Requests per second behind a server ({mode} mode)",
        [f"1 worker, 1 application thread; wrk -t{THREADS} -c{CONNECTIONS} over loopback on the"
         f" same {os.cpu_count()}-core machine. Longer is faster.",
         f"Medians over the rounds; raw WSGI: a callable that sends the same bytes doing no work."
         f" {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC."],
        panels,
    )
    chart.write(svg_path, svg)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run, about two minutes")
    parser.add_argument("--output", help="where to save the Markdown report")
    options = parser.parse_args()
    mode = "quick" if options.quick else "full"
    settings = MODES[mode]
    output = options.output or os.path.join(
        HERE, "results", "server-latest.md" if mode == "full" else "server-latest-quick.md")
    base = os.path.splitext(output)[0]

    ensure_wrk()
    # A stop asked of this process stops the servers too (the finally of
    # measure), as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    for key, _, _, requirements in bench.FRAMEWORKS:
        if key in {venv for _, _, venv, _ in ROWS}:
            bench.ensure_venv(key, requirements)
    setups = {key: versions(venv) for key, _, venv, _ in ROWS}
    began = time.monotonic()
    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-server-") as logs:
        checked = {}
        for server_name in SERVERS:
            results[server_name] = {}
            for name in SCENARIO_NAMES:
                log(f"{server_name}: {name}")
                results[server_name][name], checked[server_name, name] = measure(
                    server_name, by_name(name), settings, logs)
    load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
    elapsed = time.monotonic() - began
    summary = summarise(results)
    text = report(mode, settings, setups, summary, (load_start, load_end), elapsed)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w") as f:
        f.write(text)
    with open(base + ".json", "w") as f:
        json.dump({
            "mode": mode, "settings": settings, "threads": THREADS, "connections": CONNECTIONS,
            "servers": {k: {"label": v["label"], "options": v["options"]} for k, v in SERVERS.items()},
            "rows": {key: label for key, label, *_ in ROWS},
            "setups": setups, "load_average": {"start": load_start, "end": load_end},
            "elapsed_s": round(elapsed, 1),
            "responses": {f"{s}/{n}": v for (s, n), v in checked.items()},
            "runs": results,
        }, f, indent=1)
        f.write("\n")
    draw(mode, summary, base + ".svg")
    print(text)
    log(f"saved {os.path.relpath(output)}, {os.path.relpath(base)}.json and .svg")


if __name__ == "__main__":
    main()
