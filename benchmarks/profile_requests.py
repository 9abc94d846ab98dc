"""Profile one benchmark scenario of one framework with cProfile, to see
where the time of a request goes:

    .venv/bin/python benchmarks/profile_requests.py hello
    .venv/bin/python benchmarks/profile_requests.py session --limit 40
    benchmarks/.venvs/flask31/bin/python benchmarks/profile_requests.py hello --module flask31

Run with the project's .venv, it profiles the working copy of flask.py.
"""
import argparse
import cProfile
import pstats

import scenarios
from worker import Worker


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [s.name for s in scenarios.SCENARIOS + scenarios.EXTRAS + scenarios.ROUTE_SCALING]
    parser.add_argument("scenario", choices=names)
    parser.add_argument("--module", default="project", help="the module of apps/ to profile")
    parser.add_argument("-n", type=int, default=20000, help="number of requests")
    parser.add_argument("--limit", type=int, default=30, help="rows to print")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumtime)")
    options = parser.parse_args()

    worker = Worker(options.module)
    problems = worker.setup()["problems"]
    if problems:
        raise SystemExit(f"wrong responses: {problems}")
    profiler = cProfile.Profile()
    profiler.runcall(worker.run, options.scenario, options.n)
    stats = pstats.Stats(profiler)
    print(f"{options.module} / {options.scenario}: {stats.total_tt / options.n * 1e6:.1f} µs"
          " per request under the profiler")
    stats.strip_dirs().sort_stats(options.sort).print_stats(options.limit)


if __name__ == "__main__":
    main()
