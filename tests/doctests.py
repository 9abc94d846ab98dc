"""The one way the tests run the documentation's ``>>>`` sessions.

``run_doctest`` runs a session in this process; ``python tests/doctests.py
FILE...`` runs session files in a fresh interpreter (in the folder it is
started in, as ``python -m doctest`` would); ``check_sphinx_report`` reads
what Sphinx's doctest builder ran. Each fails unless every document it ran
had examples and none of them failed: a session whose ``>>>`` lines were
lost (an indentation change, a wrong directive) must not pass by running
nothing.
"""
import doctest
import io
import re
import sys
import textwrap

#: What a session's expected output may leave out: line breaks and runs of
#: spaces stand for any whitespace, ``...`` for any text.
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def check_results(results, output=""):
    """Fail unless ``results`` (document name -> ``doctest.TestResults``)
    holds at least one document, each attempted examples and none failed."""
    assert results, "no document with examples was run\n" + output
    empty = sorted(name for name, result in results.items() if result.attempted == 0)
    failed = sorted(name for name, result in results.items() if result.failed)
    assert not empty, f"documents without a single example: {empty}\n{output}"
    assert not failed, f"documents with failed examples: {failed}\n{output}"


def _run(source, globs, name, filename, out=None):
    test = doctest.DocTestParser().get_doctest(source, globs, name, filename, 0)
    return doctest.DocTestRunner(optionflags=FLAGS).run(test, out=out)


def run_doctest(source, globs=None, name="session", filename=None):
    """Run the interactive session ``source`` (indented as it comes) with
    the names ``globs``; return its ``doctest.TestResults``."""
    output = io.StringIO()
    result = _run(textwrap.dedent(source), dict(globs or {}), name, filename, output.write)
    check_results({name: result}, output.getvalue())
    return result


def check_sphinx_report(report, documents):
    """Check the ``output.txt`` of Sphinx's doctest builder: each of
    ``documents`` was run, had examples and none failed, and no other
    document had a failure."""
    results = {}
    for name, body in re.findall(r"^Document: (\S+)\n-+\n(.*?)(?=^Document: |^Doctest summary|\Z)",
                                 report, re.M | re.S):
        # Python's doctest summary, once per group of the document (its
        # sessions, its cleanup code): "N tests in M items." and "P passed
        # and F failed." (or "P passed." from Python 3.13 on).
        attempted = sum(map(int, re.findall(r"^(\d+) tests? in \d+ items?\.$", body, re.M)))
        failed = sum(map(int, re.findall(r"(\d+) failed\.$", body, re.M)))
        results[name] = doctest.TestResults(failed, attempted)
    assert sorted(results) == sorted(documents), report
    check_results(results, report)


def main(paths):
    """Run session files, each in the namespace of a fresh module."""
    results = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        results[path] = _run(source, {"__name__": "__main__"}, path, path)
    check_results(results)


if __name__ == "__main__":
    # As python -m doctest: the folder it runs in is importable, not this one.
    sys.path[0] = ""
    main(sys.argv[1:])
