"""Reads a page of the built documentation the way a reader sees it: the
headings, paragraphs and code blocks of its main text, in rendered order.
Used by the tests that follow the tutorial and the testing chapter step by
step (tests/test_docs_tutorial.py, tests/test_docs_testing.py).
"""
import os
import re
import shlex
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser

from server_process import start_server


@dataclass
class Item:
    """One piece of a page: ``kind`` is ``heading``, ``p`` or ``code``;
    ``section`` the title of the ``h2`` section it is in; ``language`` the
    highlighting language of a code block."""

    kind: str
    text: str
    section: str
    language: str = ""


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.items = []
        self.section = ""
        self.current = None  # (kind, language, [text parts])
        self.language = ""
        self.in_headerlink = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        for name in classes:
            if name.startswith("highlight-"):
                self.language = name[len("highlight-"):]
        if tag in ("h1", "h2", "h3"):
            self.current = ("heading", tag, [])
        elif tag == "p" and self.current is None:
            self.current = ("p", "", [])
        elif tag == "pre":
            self.current = ("code", self.language, [])
        elif tag == "a" and "headerlink" in classes:
            self.in_headerlink = True

    def handle_endtag(self, tag):
        if tag == "a":
            self.in_headerlink = False
        if self.current is None:
            return
        kind, extra, parts = self.current
        text = "".join(parts)
        if kind == "heading" and tag == extra:
            title = " ".join(text.split())
            if tag == "h2":
                self.section = title
            self.items.append(Item("heading", title, self.section))
            self.current = None
        elif kind == "p" and tag == "p":
            self.items.append(Item("p", " ".join(text.split()), self.section))
            self.current = None
        elif kind == "code" and tag == "pre":
            self.items.append(Item("code", text, self.section, extra))
            self.current = None
            self.language = ""

    def handle_data(self, data):
        if self.current is not None and not self.in_headerlink:
            self.current[2].append(data)


def read_page(path):
    """The items of the main text of a built HTML page, in order."""
    page = path.read_text(encoding="utf-8")
    start = page.index('role="main"')
    end = page.find('class="sphinxsidebar"', start)
    parser = _PageParser()
    parser.feed(page[start:end if end != -1 else None])
    return parser.items


# -- where the text says a block goes ----------------------------------------

PLACEMENTS = [
    ("create", re.compile(r"into a new file, (?P<path>[\w./-]+?):?$")),
    ("append", re.compile(r"at the end of (?P<path>[\w./-]+?):?$")),
    ("above", re.compile(
        r"above the (?P<anchor>.+?) block of (?P<path>[\w./-]+?)[:,]")),
]


def placement(paragraph):
    """``(action, path, anchor)`` from the sentence before a code block, or
    ``None`` when it does not say where the block goes."""
    found = []
    for action, pattern in PLACEMENTS:
        match = pattern.search(paragraph)
        if match:
            found.append((action, match["path"], match.groupdict().get("anchor")))
    assert len(found) <= 1, f"two placements in one sentence: {paragraph!r}"
    return found[0] if found else None


def place(folder, action, path, anchor, code):
    """Put ``code`` into ``folder/path`` as the text says: a new file, at
    its end, or above the line that starts with ``anchor``."""
    target = folder / path
    code = code.rstrip("\n") + "\n"
    if action == "create":
        assert not target.exists(), f"{path} is created twice"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code, encoding="utf-8")
        return
    assert target.exists(), f"{path} is added to before it was created"
    text = target.read_text(encoding="utf-8")
    if action == "append":
        text = text.rstrip("\n") + "\n\n\n" + code
    else:
        lines = text.splitlines(keepends=True)
        [index] = [i for i, line in enumerate(lines) if line.startswith(anchor)]
        text = "".join(lines[:index]).rstrip("\n") + "\n\n\n" + code + "\n\n" + "".join(lines[index:])
    target.write_text(text, encoding="utf-8")


def code_lines(text):
    """The non-blank lines of a source text: blank lines between pieces
    depend on how they were put together, not on what they say."""
    return [line.rstrip() for line in text.splitlines() if line.strip()]


#: A file name in code: a word, a dot and one of the extensions of the
#: examples' files and of this repository's (not .db: g.db is no file).
FILE_NAME = re.compile(r"(?<![\w./-])[\w-][\w./-]*\.(?:py|md|sql|html|css|txt|cfg|toml|ini)\b")


def files_named_in(text):
    """The names of the files a source text mentions, without their
    folders (``flaskr/flaskr.py`` and ``flaskr.py`` are both ``flaskr.py``),
    and ``.venv`` when it names a virtual environment of that name."""
    names = {match.rsplit("/", 1)[-1] for match in FILE_NAME.findall(text)}
    if re.search(r"(?<![\w-])\.venv\b", text):
        names.add(".venv")
    return names


def files_created(items):
    """The names of the files the page tells the reader to create."""
    created, previous = set(), ""
    for item in items:
        if item.kind == "p":
            previous = item.text
        elif item.kind == "code":
            where = placement(previous)
            if where and where[0] == "create":
                created.add(where[1].rsplit("/", 1)[-1])
    return created


# -- running what the text says to run ---------------------------------------


def reader_environment(assignments):
    """The environment of a reader's shell: a plain PATH plus the
    ``NAME=value`` assignments written before the command, and nothing
    the test run itself set."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    env.update(assignments)
    return env


def parse_command(line):
    """``(assignments, argv)`` of a console line ``$ A=1 python x.py``,
    with ``python`` replaced by the Python running the tests (which has
    this repository's flask.py installed, as the reader's environment
    does)."""
    words = shlex.split(line[2:])
    assignments = {}
    while words and re.match(r"^[A-Z_]+=", words[0]):
        name, _, value = words.pop(0).partition("=")
        assignments[name] = value
    if words and words[0] == "python":
        words[0] = sys.executable
    return assignments, words


def console_steps(text):
    """The commands of a console block with the output shown after each:
    a list of ``(command line, [output lines])``."""
    steps = []
    for line in text.splitlines():
        if line.startswith("$ "):
            steps.append((line, []))
        elif line.strip() and steps:
            steps[-1][1].append(line)
    return steps


def output_matches(shown, actual):
    """Whether the output lines a page shows match what a command printed;
    a shown line ending in ``...`` matches any line it starts."""
    actual = [line for line in actual.splitlines() if line.strip()]
    if len(shown) != len(actual):
        return False
    for want, got in zip(shown, actual):
        if want.endswith("..."):
            if not got.startswith(want[:-3].rstrip()):
                return False
        elif want != got:
            return False
    return True


class RunningServer:
    """A command that serves HTTP, started as a reader starts it, with
    ``PORT=0``: the server binds a port the system picks, and the test
    reads it back from /proc (see ``server_process``). It runs in a
    session of its own, so that the reloader's child process stops with
    it."""

    def __init__(self, argv, env, cwd, log_path):
        self.log_path = log_path
        # Unbuffered: a terminal shows each line as it is printed, a log
        # file would only get it when the buffer fills. Only waited for
        # until it listens: a page that answers 500 is a promise of its own.
        self.server = start_server(
            log_path.stem, argv, log_path.parent, cwd=cwd,
            env=dict(env, PORT="0", PYTHONUNBUFFERED="1"), ready_path=None)
        self.process = self.server.process
        self.port = self.server.port
        self.url = self.server.url

    def output(self):
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout=30):
        """Wait until the server answers anything at all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"exited before serving:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5):
                    return
            except urllib.error.HTTPError as error:
                error.close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"not serving after {timeout} s:\n{self.output()}")

    def stop(self):
        """Stop the server and the processes it started."""
        self.server.stop()
