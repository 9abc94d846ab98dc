"""The list in flask.py of what it relies on beyond its dependencies'
documented APIs names, for each entry, the tests that break if a release
changes it: those tests exist."""
import ast
import re
from pathlib import Path

import flask

ROOT = Path(flask.__file__).parent


def listed_tests():
    source = Path(flask.__file__).read_text()
    block = source.split("# What this module relies on beyond", 1)[1].split("\n\n", 1)[0]
    text = " ".join(line.lstrip("# ") for line in block.splitlines())
    # "tests/x.py:: test_a, test_b" (the comment wraps after "::").
    for path, names in re.findall(r"(tests/\s*[\w/]+\.py)::\s*([\w, ]+)", text):
        for name in names.split(","):
            yield path.replace(" ", ""), name.strip()


def test_each_dependency_internal_names_a_test_that_exists():
    listed = list(listed_tests())
    assert len(listed) >= 7
    for path, name in listed:
        tree = ast.parse((ROOT / path).read_text())
        functions = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert name in functions, f"{path} has no {name}"
