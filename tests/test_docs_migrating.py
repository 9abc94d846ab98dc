"""Runs the examples of the "Coming from Flask 2 or 3" page
(docs/migrating.rst): each is written into a folder of its own, exactly
as the page shows it, and driven with the test client; ``python -m
flask run`` is started for real on the page's example."""
import importlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from server_process import start_server
from test_docs_blocks import parse_blocks

BLOCKS = parse_blocks("migrating.rst")


def write_example(folder, example):
    for block in BLOCKS:
        if block["example"] == example:
            target = folder / block["path"]
            target.write_text(block["code"], encoding="utf-8")
    return folder


@pytest.fixture
def example(tmp_path, monkeypatch):
    """Import the ``app`` module of a documented example."""

    def load(name):
        folder = write_example(tmp_path, name)
        monkeypatch.syspath_prepend(str(folder))
        for module in ("app", "admin"):
            monkeypatch.delitem(sys.modules, module, raising=False)
        return importlib.import_module("app").app

    return load


def test_every_code_block_of_the_page_belongs_to_an_example_or_is_a_console():
    for block in BLOCKS:
        assert block["example"] or block["language"] == "console", block


def test_the_json_example_sends_json(example):
    client = example("json").test_client()
    response = client.get("/api/greeting")
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.data) == {"message": "Hello", "to": ["you", "me"]}


def test_the_json_example_reads_a_json_body(example):
    client = example("json").test_client()
    response = client.post("/api/echo", json={"a": 1})
    assert (response.status_code, json.loads(response.data)) == (201, {"you sent": {"a": 1}})
    assert client.post("/api/echo", json=[1]).status_code == 400
    assert client.post("/api/echo", data="{not json", content_type="application/json").status_code == 400


def test_the_configuration_example_reads_its_settings_from_the_environment(example, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a long random key for the configuration example")
    monkeypatch.setenv("HTTPS", "1")
    app = example("config")
    assert (app.max_content_length, app.session_cookie_secure, app.debug) == (1024 * 1024, True, False)
    client = app.test_client()
    assert client.get("/").data == b"Visit number 1"
    assert "Secure" in client.get("/").headers["Set-Cookie"]


def test_the_parts_example_registers_a_group_of_views(example):
    client = example("parts").test_client()
    assert client.get("/").data == b"The front page"
    assert client.get("/admin/").data == b"Administration: see /admin/users"
    assert client.get("/admin/users").data == b"The users"


@pytest.mark.slow
def test_python_m_flask_run_serves_the_page_s_example(tmp_path):
    write_example(tmp_path, "parts")
    server = start_server(
        "python-m-flask", lambda port: [sys.executable, "-m", "flask", "run", "app:app",
                                        "--host", "127.0.0.1", "--port", str(port)],
        tmp_path, cwd=tmp_path,
    )
    try:
        with urllib.request.urlopen(server.url + "/admin/users", timeout=5) as response:
            assert response.read() == b"The users"
    finally:
        server.stop()


def python_m_flask(monkeypatch, *args):
    """Run ``python -m flask ARGS`` in this process (so that coverage sees
    it); return its exit status."""
    import runpy

    monkeypatch.setattr(sys, "argv", ["flask", *args])
    monkeypatch.setattr(sys, "path", list(sys.path))  # it adds the current folder
    with pytest.raises(SystemExit) as exit:
        runpy.run_module("flask", run_name="__main__", alter_sys=True)
    return exit.value.code


def test_python_m_flask_without_a_command_prints_the_version_path_and_usage(capsys, monkeypatch):
    import flask

    assert python_m_flask(monkeypatch) == 0
    out = capsys.readouterr().out
    assert f"flask.py {flask.__version__}" in out and flask.__file__ in out
    assert "usage: python -m flask run MODULE[:APP]" in out


def test_python_m_flask_run_imports_the_application_and_runs_it(tmp_path, monkeypatch):
    import flask

    (tmp_path / "hello.py").write_text(
        "import flask\nweb = flask.Flask(__name__)\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "hello", raising=False)
    calls = []
    monkeypatch.setattr(flask.Flask, "run", lambda self, host, port, debug: calls.append((self.package_name, host, port, debug)))
    assert python_m_flask(monkeypatch, "run", "hello:web", "--port", "8123", "--debug") == 0
    assert calls == [("hello", "127.0.0.1", 8123, True)]
    monkeypatch.delitem(sys.modules, "hello")


def test_python_m_flask_run_explains_when_import_finds_another_flask(tmp_path):
    """A folder with a flask package of its own: 'import flask' there finds
    that one, and the command says so instead of running on it."""
    import flask

    (tmp_path / "flask").mkdir()
    (tmp_path / "flask" / "__init__.py").write_text("")
    (tmp_path / "app.py").write_text("import flask\napp = flask.Flask(__name__)\n")
    result = subprocess.run([sys.executable, flask.__file__, "run", "app:app"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"'import flask' finds {tmp_path / 'flask' / '__init__.py'}" in result.stderr


def test_python_m_flask_run_refuses_to_run_on_another_flask(monkeypatch, capsys):
    import types

    import flask

    other = types.ModuleType("flask")
    other.__file__ = "/elsewhere/site-packages/flask/__init__.py"
    # python -m flask runs flask.py as __main__; 'import flask' then finds
    # the other one.
    monkeypatch.setattr(sys, "argv", ["flask", "run", "app:app"])
    monkeypatch.setattr(sys, "path", list(sys.path))
    code = compile(Path(flask.__file__).read_text(encoding="utf-8"), flask.__file__, "exec")
    monkeypatch.setitem(sys.modules, "flask", other)
    with pytest.raises(SystemExit) as exit:
        exec(code, {"__name__": "__main__", "__file__": flask.__file__})
    assert exit.value.code == 1
    assert "finds /elsewhere/site-packages/flask/__init__.py, another Flask" in capsys.readouterr().err
