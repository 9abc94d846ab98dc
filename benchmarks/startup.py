"""Start-up probe, run once per fresh process by the coordinator:

    python startup.py MODULE

Prints two numbers: the CPU seconds taken to import ``apps/MODULE.py``
(which imports the framework and nothing else) and build its hello
application, and the resident memory in KiB that this added over the bare
interpreter, read from /proc before and after.
"""
import sys
import time


def resident_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def main():
    name = "apps." + sys.argv[1]
    before = resident_kib()
    start = time.process_time()
    __import__(name)
    sys.modules[name].hello_app()
    seconds = time.process_time() - start
    added = resident_kib() - before
    print(seconds, added)


main()
