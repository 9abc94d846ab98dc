"""The benchmark coordinator: ``make bench`` runs it (``make bench QUICK=1``
for the quick mode).

    python3 benchmarks/bench.py [--quick] [--output FILE]

It makes (or refreshes) one virtualenv per framework under
``benchmarks/.venvs/`` from the pinned files in ``benchmarks/requirements/``,
starts one long-lived worker per framework (worker.py, in that
framework's virtualenv), checks every response once, then times rounds of
batches: each round runs every scenario on every framework, in an order
rotated from round to round. Times are process CPU times measured inside
the workers. Start-up cost and memory are measured in fresh processes
(startup.py). The result is a Markdown report, printed and saved under
``benchmarks/results/``.

Standard library only; it never imports any framework itself.
"""
import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import venv

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import chart  # noqa: E402  (needs HERE on sys.path)
import scenarios  # noqa: E402

#: (key, label, module in apps/, requirements file). The first is ours.
FRAMEWORKS = [
    ("project", "flask.py", "project", "project.txt"),
    ("flask31", "Flask 3.1", "flask31", "flask31.txt"),
    ("bottle", "Bottle 0.13", "bottle013", "bottle.txt"),
    ("werkzeug", "Werkzeug", "werkzeug_bare", "werkzeug.txt"),
    ("falcon", "Falcon 4.4", "falcon44", "falcon.txt"),
]
OURS, FLASK, BOTTLE, WERKZEUG, FALCON = (f[0] for f in FRAMEWORKS)

#: Rounds, CPU seconds per batch and fresh start-up processes, per mode.
MODES = {
    "quick": {"rounds": 7, "batch": 0.05, "startups": 3},
    "full": {"rounds": 15, "batch": 0.25, "startups": 9},
}


def log(message):
    print(message, file=sys.stderr, flush=True)


# -- virtualenvs ---------------------------------------------------------------

def venv_python(key):
    return os.path.join(HERE, ".venvs", key, "bin", "python")


def ensure_venv(key, requirements):
    """Create or refresh the framework's virtualenv. A stamp file records a
    hash of what went into it (the requirements file, and for the project
    flask.py and setup.py), so an unchanged virtualenv is reused."""
    directory = os.path.join(HERE, ".venvs", key)
    inputs = [os.path.join(HERE, "requirements", requirements)]
    if key == OURS:
        inputs += [os.path.join(REPO, "flask.py"), os.path.join(REPO, "setup.py")]
    digest = hashlib.sha256()
    for path in inputs:
        with open(path, "rb") as f:
            digest.update(f.read())
    stamp = os.path.join(directory, ".installed")
    if os.path.exists(stamp):
        with open(stamp) as f:
            if f.read() == digest.hexdigest():
                return
    python = venv_python(key)
    if not os.path.exists(python):
        log(f"creating {os.path.relpath(directory, REPO)}")
        venv.create(directory, with_pip=True, clear=True)
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["-r", inputs[0]], check=True)
    if key == OURS:
        # A real (not editable) install of this repository: the worker then
        # imports flask from site-packages, exactly as a user would, and
        # never the Flask of the global Python.
        subprocess.run(pip + ["--no-deps", "--force-reinstall", REPO], check=True)
    with open(stamp, "w") as f:
        f.write(digest.hexdigest())


# -- measuring -----------------------------------------------------------------

class Worker:
    """The coordinator's end of one worker process."""

    def __init__(self, key, module):
        self.key = key
        self.process = subprocess.Popen(
            [venv_python(key), os.path.join(HERE, "worker.py"), module],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=HERE,
        )

    def ask(self, **message):
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.key} worker died")
        return json.loads(line)

    def time_batch(self, scenario, n):
        return self.ask(op="run", scenario=scenario, n=n)["seconds"]

    def calibrate(self, scenario, target):
        """The number of requests whose batch takes about ``target`` CPU
        seconds."""
        n = 10
        while True:
            seconds = self.time_batch(scenario, n)
            if seconds >= target / 4:
                return max(10, round(n * target / seconds))
            n *= 4

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def measure_startup(count):
    """Median import+build CPU seconds and added KiB, per framework, each
    from ``count`` fresh processes (after one unmeasured warm-up that
    writes the bytecode caches)."""
    samples = {key: [] for key, *_ in FRAMEWORKS}
    for repeat in range(count + 1):
        shift = repeat % len(FRAMEWORKS)
        order = FRAMEWORKS[shift:] + FRAMEWORKS[:shift]
        for key, _, module, _ in order:
            out = subprocess.run(
                [venv_python(key), os.path.join(HERE, "startup.py"), module],
                capture_output=True, text=True, check=True, cwd=HERE,
            ).stdout.split()
            if repeat:
                samples[key].append((float(out[0]), int(out[1])))
    return {
        key: (statistics.median(s for s, _ in values), statistics.median(k for _, k in values))
        for key, values in samples.items()
    }


def measure_requests(workers, names, rounds, batch):
    """Per-round CPU seconds per request: ``times[name][key]`` is a list
    with one figure per round."""
    sizes = {}
    for name in names:
        for key, worker in workers.items():
            sizes[name, key] = worker.calibrate(name, batch)
    times = {name: {key: [] for key in workers} for name in names}
    keys = list(workers)
    for r in range(rounds):
        log(f"round {r + 1}/{rounds}")
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            order = keys[r % len(keys):] + keys[:r % len(keys)]
            for key in order:
                n = sizes[name, key]
                times[name][key].append(workers[key].time_batch(name, n) / n)
    return times


def ratio(times, name, key, reference):
    """Median over rounds of the per-round ratio of key's time to the
    reference's."""
    return statistics.median(a / b for a, b in zip(times[name][key], times[name][reference]))


def geomean(values):
    values = list(values)
    return math.exp(sum(math.log(v) for v in values) / len(values))


# -- the report ----------------------------------------------------------------

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def report(mode, settings, setups, startup, times, elapsed):
    labels = {key: label for key, label, *_ in FRAMEWORKS}
    keys = [key for key, *_ in FRAMEWORKS]
    names = [s.name for s in scenarios.SCENARIOS]
    us = {name: {key: statistics.median(times[name][key]) * 1e6 for key in keys} for name in times}
    lines = []
    add = lines.append
    add(f"# Benchmark results ({mode} mode)")
    add("")
    add(f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    add(f"- Machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
    add(f"- Python {setups[OURS]['python']}; " + "; ".join(
        f"{labels[key]}: " + ", ".join(f"{p} {v}" for p, v in setups[key]["versions"].items())
        for key in keys))
    add(f"- Command: `make bench{' QUICK=1' if mode == 'quick' else ''}` "
        f"({settings['rounds']} rounds, batches of about {settings['batch'] * 1000:.0f} ms CPU,"
        f" {settings['startups']} fresh processes for start-up; took {elapsed:.0f} s)")
    add("- Times are process CPU time; each figure is the median over the rounds, each ratio"
        " the median of the per-round ratios.")
    add("")
    add("## Time per request (µs, lower is better)")
    add("")
    add("| scenario | " + " | ".join(labels[k] for k in keys) + " |")
    add("|---" * (len(keys) + 1) + "|")
    for name in names:
        add(f"| {name} | " + " | ".join(f"{us[name][k]:.1f}" for k in keys) + " |")
    add("| **geometric mean** | " + " | ".join(
        f"**{geomean(us[n][k] for n in names):.1f}**" for k in keys) + " |")
    add("")
    add(f"Geometric means: {labels[OURS]} {geomean(us[n][OURS] for n in names):.1f} µs"
        f" ({geomean(ratio(times, n, OURS, FLASK) for n in names):.2f}× Flask 3.1),"
        f" {labels[FALCON]} {geomean(us[n][FALCON] for n in names):.1f} µs"
        f" ({geomean(ratio(times, n, FALCON, FLASK) for n in names):.2f}× Flask 3.1);"
        f" {labels[OURS]} ÷ {labels[FALCON]}:"
        f" {geomean(ratio(times, n, OURS, FALCON) for n in names):.2f}×.")
    for reference in (FLASK, BOTTLE, WERKZEUG, FALCON):
        others = [k for k in keys if k != reference]
        add("")
        add(f"## Ratio to {labels[reference]} (lower is faster)")
        add("")
        add("| scenario | " + " | ".join(labels[k] for k in others) + " |")
        add("|---" * (len(others) + 1) + "|")
        for name in names:
            add(f"| {name} | " + " | ".join(
                f"{ratio(times, name, k, reference):.2f}×" for k in others) + " |")
        add("| **geometric mean** | " + " | ".join(
            f"**{geomean(ratio(times, n, k, reference) for n in names):.2f}×**" for k in others) + " |")
    add("")
    add("## Extra scenarios (not in the geometric means)")
    add("")
    add("| scenario | " + " | ".join(f"{labels[k]} (µs)" for k in keys) + " | "
        + " | ".join(f"{labels[k]} ÷ Flask 3.1" for k in keys if k != FLASK)
        + f" | {labels[OURS]} ÷ {labels[FALCON]} |")
    add("|---" * (2 * len(keys) + 1) + "|")
    for scenario in scenarios.EXTRAS:
        name = scenario.name
        add(f"| {name} | " + " | ".join(f"{us[name][k]:.1f}" for k in keys) + " | "
            + " | ".join(f"{ratio(times, name, k, FLASK):.2f}×" for k in keys if k != FLASK)
            + f" | {ratio(times, name, OURS, FALCON):.2f}× |")
    add("")
    add("## Start-up and memory (fresh processes, medians)")
    add("")
    add("| framework | import + hello app (ms CPU) | ratio to Flask 3.1 | ratio to Werkzeug |"
        " memory added (MiB) | ratio to Flask 3.1 |")
    add("|---|---|---|---|---|---|")
    for k in keys:
        seconds, kib = startup[k]
        add(f"| {labels[k]} | {seconds * 1000:.1f} | {seconds / startup[FLASK][0]:.2f}× |"
            f" {seconds / startup[WERKZEUG][0]:.2f}× |"
            f" {kib / 1024:.1f} | {kib / startup[FLASK][1]:.2f}× |")
    add("")
    add("## Routes: 10 against 1,000 (µs per request)")
    add("")
    small, large = (s.name for s in scenarios.ROUTE_SCALING)
    add("| framework | 10 routes | 1,000 routes | 1,000 ÷ 10 |")
    add("|---|---|---|---|")
    for k in keys:
        add(f"| {labels[k]} | {us[small][k]:.1f} | {us[large][k]:.1f} |"
            f" {ratio_between(times, large, small, k):.2f}× |")
    add("")
    add("## Targets for flask.py")
    add("")
    ours_geomean = geomean(ratio(times, n, OURS, FLASK) for n in names)
    bottle_geomean = geomean(ratio(times, n, BOTTLE, FLASK) for n in names)
    targets = [
        ("geometric mean ≤ 0.30× Flask 3.1", ours_geomean, 0.30),
        (f"geometric mean ≤ Bottle's ({bottle_geomean:.2f}× Flask 3.1)",
         ours_geomean, bottle_geomean),
        ("slowest scenario ≤ 0.8× Flask 3.1",
         max(ratio(times, n, OURS, FLASK) for n in names), 0.8),
        ("session ≤ 0.35× Flask 3.1", ratio(times, "session", OURS, FLASK), 0.35),
        *((f"{n} ≤ 0.25× Flask 3.1", ratio(times, n, OURS, FLASK), 0.25)
          for n in ("hello", "routing", "notfound")),
        ("render_template_string ≤ 0.3× Flask 3.1",
         ratio(times, "render_template_string", OURS, FLASK), 0.3),
        ("import + build ≤ 1.05× Werkzeug's", startup[OURS][0] / startup[WERKZEUG][0], 1.05),
        ("memory ≤ 0.8× Flask 3.1", startup[OURS][1] / startup[FLASK][1], 0.8),
        ("1,000 routes ≤ 1.2× 10 routes", ratio_between(times, large, small, OURS), 1.2),
    ]
    add("| target | flask.py | met |")
    add("|---|---|---|")
    for text, value, limit in targets:
        add(f"| {text} | {value:.2f}× | {'yes' if value <= limit else '**no**'} |")
    add("")
    return "\n".join(lines)


def ratio_between(times, name, reference_name, key):
    """Median over rounds of key's per-round time of one scenario over
    another."""
    return statistics.median(a / b for a, b in zip(times[name][key], times[reference_name][key]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run, about a minute")
    parser.add_argument("--output", help="where to save the Markdown report")
    options = parser.parse_args()
    mode = "quick" if options.quick else "full"
    settings = MODES[mode]
    output = options.output or os.path.join(
        HERE, "results", "latest.md" if mode == "full" else "latest-quick.md")

    for key, _, _, requirements in FRAMEWORKS:
        ensure_venv(key, requirements)
    began = time.monotonic()

    workers = {key: Worker(key, module) for key, _, module, _ in FRAMEWORKS}
    try:
        setups = {}
        for key, worker in workers.items():
            setups[key] = worker.ask(op="setup")
            if setups[key]["problems"]:
                sys.exit(f"{key}: wrong responses: {json.dumps(setups[key]['problems'], indent=1)}")
        log("every response checked; timing requests")
        names = [s.name for s in scenarios.SCENARIOS + scenarios.EXTRAS + scenarios.ROUTE_SCALING]
        times = measure_requests(workers, names, settings["rounds"], settings["batch"])
    finally:
        for worker in workers.values():
            worker.close()
    log("timing start-up in fresh processes")
    startup = measure_startup(settings["startups"])

    text = report(mode, settings, setups, startup, times, time.monotonic() - began)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w") as f:
        f.write(text)
    chart.in_process_chart(output, os.path.splitext(output)[0] + ".svg")
    print(text)
    log(f"saved {os.path.relpath(output)} and its chart")


if __name__ == "__main__":
    main()
