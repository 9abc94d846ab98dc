"""flask.py itself: the list of what it relies on beyond Werkzeug's
documented API names, for each entry, the test that breaks if a release
changes it (that test exists), and the module stays within its length."""
import ast
import re
from pathlib import Path

import flask

ROOT = Path(flask.__file__).parent


def listed_entries():
    """Each entry of the list, as its text joined from its comment lines."""
    source = Path(flask.__file__).read_text()
    block = source.split("# What this module relies on beyond", 1)[1].split("\n\n", 1)[0]
    text = " ".join(line.lstrip("#").strip() for line in block.splitlines())
    return text.split(" - ")[1:]


def test_each_dependency_internal_names_a_test_that_exists():
    entries = listed_entries()
    assert len(entries) == 6
    for entry in entries:
        path, name = re.search(r"(tests/[\w/]+\.py)::(\w+)", entry).groups()
        tree = ast.parse((ROOT / path).read_text())
        functions = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert name in functions, f"{path} has no {name}"


def test_the_module_stays_a_one_sitting_read():
    # The project's limit on flask.py: at most 1,600 lines.
    lines = Path(flask.__file__).read_text().count("\n")
    assert lines <= 1600, f"flask.py has {lines} lines"
