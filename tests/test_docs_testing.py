"""Follows the testing chapter's "Testing Flaskr" the way a reader does:
the whole test module copied from the built page into a new file beside
the tutorial's application, then run with each command the page shows.
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rendered_page import (code_lines, console_steps, files_created,
                           files_named_in, parse_command, placement,
                           read_page, reader_environment)

REPO = Path(__file__).resolve().parent.parent
FLASKR = REPO / "examples" / "flaskr"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def flaskr_section(built_docs):
    return [item for item in read_page(built_docs / "testing.html")
            if item.section == "Testing Flaskr"]


def whole_module(section):
    """The block the page says to put into ``flaskr/flaskr_tests.py``."""
    previous = ""
    found = []
    for item in section:
        if item.kind == "p":
            previous = item.text
        elif item.kind == "code" and placement(previous) == (
                "create", "flaskr/flaskr_tests.py", None):
            found.append(item.text)
    [module] = found
    return module


@pytest.fixture
def checkout(tmp_path):
    """A folder laid out like this repository: the tutorial's application
    in examples/flaskr (without its tests) and .venv, the environment
    flask.py is installed in (the one running these tests)."""
    target = tmp_path / "examples" / "flaskr"
    shutil.copytree(FLASKR, target, ignore=shutil.ignore_patterns(
        "*_tests.py", "*.db", "__pycache__", "*.md"))
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return tmp_path


def test_the_test_modules_code_names_only_files_the_reader_has(
        flaskr_section, built_docs):
    # The module goes beside the tutorial's application in the reader's
    # flaskr folder, which has none of this repository's files (its
    # README, its virtual environment); flask.py is the library they
    # installed.
    has = (files_created(read_page(built_docs / "tutorial.html"))
           | files_created(flaskr_section) | {"flask.py"})
    assert {"flaskr.py", "flaskr_tests.py"} <= has
    assert files_named_in(whole_module(flaskr_section)) - has == set()


def pieces_of(section):
    """The pieces of code a section shows (its commands left out)."""
    return [item for item in section
            if item.kind == "code" and item.language not in ("console", "text")]


#: The line that stands for lines of the module a piece leaves out.
ELISION = "# ..."


def parts_of(piece):
    """The lines of a piece, split where it says that lines are left out."""
    parts = [[]]
    for line in code_lines(piece):
        if line.strip() == ELISION:
            parts.append([])
        else:
            parts[-1].append(line)
    return [part for part in parts if part]


def test_whole_module_holds_every_piece_shown(flaskr_section):
    module = code_lines(whole_module(flaskr_section))
    pieces = pieces_of(flaskr_section)
    assert len(pieces) > 5
    for piece in pieces:
        # Each part of the piece is in the module, in the piece's order.
        start = 0
        for lines in parts_of(piece.text):
            found = [i for i in range(start, len(module))
                     if module[i:i + len(lines)] == lines]
            assert found, (lines, piece.text)
            start = found[0] + len(lines)


def test_every_piece_starts_at_the_modules_top_level(flaskr_section):
    # A method is shown under the line of its class, not as indented
    # lines that could be pasted anywhere.
    indented = [piece.text for piece in pieces_of(flaskr_section)
                if code_lines(piece.text)[0].startswith((" ", "\t"))]
    assert indented == []


def test_a_piece_says_where_it_leaves_lines_out(flaskr_section):
    # A method that is not the first of its class follows the class line
    # and an elision: the lines between are not in the piece.
    module = code_lines(whole_module(flaskr_section))
    for piece in pieces_of(flaskr_section):
        lines = code_lines(piece.text)
        if ELISION not in [line.strip() for line in lines]:
            starts = [i for i in range(len(module))
                      if module[i:i + len(lines)] == lines]
            assert starts, piece.text


def test_whole_module_runs_with_each_command_shown(flaskr_section, checkout):
    module = whole_module(flaskr_section)
    (checkout / "examples" / "flaskr" / "flaskr_tests.py").write_text(module)
    expected_tests = len(re.findall(r"^    def test_", module, re.M))
    consoles = [item for item in flaskr_section if item.language == "console"]
    assert len(consoles) == 2
    # The first command runs in the flaskr folder with an activated
    # environment; the second from the checkout's root, as written.
    starts = [checkout / "examples" / "flaskr", checkout]
    activated = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    for console, cwd in zip(consoles, starts):
        for line, shown in console_steps(console.text):
            assignments, argv = parse_command(line)
            if argv[0] == "cd":
                cwd = cwd / argv[1]
                continue
            env = reader_environment(assignments)
            env.update(activated)
            result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True,
                                    text=True, timeout=120)
            output = result.stdout + result.stderr
            assert result.returncode == 0, (line, output)
            assert f"Ran {expected_tests} tests" in output, output
            assert output.rstrip().endswith("OK"), output
