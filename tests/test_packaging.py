"""The distribution archives, built the way a release is: ``python -m
build`` makes a wheel holding only flask.py, the license and the metadata,
and an sdist holding what it takes to run the tests. The distribution is
named ``flask.py`` (pip's spelling ``flask-py``, the archives' ``flask_py``)
and holds the module ``flask``. The wheel installs into a fresh virtual
environment as that distribution and serves the hello app from there.
Next to an extension that requires Flask, pip does what
docs/installation.rst says: it installs Flask, refuses when there is no
Flask to install, and with --no-deps leaves ``flask`` to this module.

(.ci/run runs the fast tests from the unpacked sdist, against the lowest
supported versions.)
"""
import email.parser
import json
import os
import re
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

import pytest
from server_process import start_server

import flask

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
#: The distribution's name as the metadata writes it, and the stem of its
#: archives' names (the name normalized, then the version).
DISTRIBUTION = "flask.py"
NAME = f"flask_py-{flask.__version__}"


def run(argv, **kwargs):
    """Run a command; fail the test with its output if it fails."""
    result = subprocess.run(
        [str(part) for part in argv], capture_output=True, text=True, timeout=300, **kwargs
    )
    assert result.returncode == 0, f"{argv} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """The folder holding the sdist and the wheel built from this checkout."""
    out = tmp_path_factory.mktemp("dist")
    # With the setuptools pinned in requirements-dev.txt rather than one
    # downloaded into a fresh environment per archive; build still checks
    # that it meets pyproject.toml's build requirements.
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, REPO])
    return out


@pytest.fixture(scope="module")
def wheel(dist):
    (path,) = dist.glob("*.whl")
    return path


@pytest.fixture(scope="module")
def sdist_names(dist):
    (path,) = dist.glob("*.tar.gz")
    with tarfile.open(path) as archive:
        return {name.partition("/")[2] for name in archive.getnames()}


def test_archives_are_named_after_the_version(dist):
    assert sorted(path.name for path in dist.iterdir()) == [
        f"{NAME}-py3-none-any.whl",
        f"{NAME}.tar.gz",
    ]


def test_wheel_holds_only_the_module_license_and_metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    info = f"{NAME}.dist-info"
    assert {name for name in names if not name.startswith(info + "/")} == {"flask.py"}
    assert f"{info}/licenses/LICENSE" in names
    assert f"{info}/METADATA" in names


def test_wheel_metadata_declares_license_python_and_dependencies(wheel):
    with zipfile.ZipFile(wheel) as archive:
        metadata = email.parser.Parser().parsestr(
            archive.read(f"{NAME}.dist-info/METADATA").decode()
        )
    assert metadata["Name"] == DISTRIBUTION
    assert metadata["Version"] == flask.__version__
    assert metadata["License-Expression"] == "BSD-3-Clause"
    assert metadata["Requires-Python"] == ">=3.10"
    assert sorted(metadata.get_all("Requires-Dist")) == [
        "Jinja2<4,>=3.1",
        "MarkupSafe<4,>=2.1.1",
        "Werkzeug<4,>=3.0",
        "itsdangerous<3,>=2.1",
    ]
    # One classifier for each Python .ci/run runs the tests on.
    assert {
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
    } <= set(metadata.get_all("Classifier"))


def repository_files(folder):
    """The files of a folder of the checkout that belong in the sdist (not
    caches, databases, screenshots or build output)."""
    skipped = {"__pycache__", "artifacts", "_build", ".venvs", ".pytest_cache", ".hypothesis"}
    for path in (REPO / folder).rglob("*"):
        relative = path.relative_to(REPO)
        if path.is_file() and not skipped & set(relative.parts) and path.suffix not in {
            ".pyc", ".db"
        }:
            yield relative.as_posix()


@pytest.mark.parametrize("folder", ["tests", "docs", "examples", "benchmarks"])
def test_sdist_holds_every_file_of(sdist_names, folder):
    missing = sorted(set(repository_files(folder)) - sdist_names)
    assert not missing


def test_sdist_holds_the_project_files(sdist_names):
    for name in [
        "flask.py", "LICENSE", "README.md", "CHANGES.md", "pyproject.toml", "setup.py",
        "Makefile", "requirements-dev.txt", "constraints.txt", "constraints-lowest.txt",
    ]:
        assert name in sdist_names


def new_venv_with(wheel, folder):
    """A fresh virtual environment in ``folder`` with the wheel installed;
    its folder and its Python."""
    venv = folder / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    # The test Python's pip installs into the new environment: quicker
    # than bootstrapping a pip of its own there.
    run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
         "--disable-pip-version-check", "-c", REPO / "constraints.txt", wheel])
    return venv, python


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh virtual environment with the wheel installed, and a folder
    away from this checkout to run its Python in, so that only the
    installed flask can be imported."""
    venv, python = new_venv_with(wheel, tmp_path_factory.mktemp("installed"))
    app_dir = tmp_path_factory.mktemp("app")
    return venv, python, app_dir


def test_the_installed_wheel_is_the_distribution_flask_py_holding_the_module_flask(
    wheel, installed
):
    venv, python, app_dir = installed
    query = (
        "import importlib.metadata as m, json, flask\n"
        "try:\n"
        "    flask_dist = m.version('Flask')\n"
        "except m.PackageNotFoundError:\n"
        "    flask_dist = None\n"
        "print(json.dumps({\n"
        "    'name': m.metadata('flask-py')['Name'],\n"
        "    'version': m.version('flask.py'),\n"
        "    'owners': m.packages_distributions().get('flask'),\n"
        "    'Flask': flask_dist,\n"
        "    'file': flask.__file__,\n"
        "    'module_version': flask.__version__,\n"
        "}))\n"
    )
    found = json.loads(run([python, "-c", query], cwd=app_dir))
    assert found["name"] == DISTRIBUTION
    assert found["version"] == found["module_version"] == flask.__version__
    # The module flask belongs to this distribution, and no distribution
    # named Flask is installed: pip sees none, and upgrades none.
    assert found["owners"] == [DISTRIBUTION]
    assert found["Flask"] is None
    # ``import flask`` gives the wheel's flask.py, from the environment.
    module = Path(found["file"])
    assert module.name == "flask.py" and module.is_relative_to(venv)
    with zipfile.ZipFile(wheel) as archive:
        assert module.read_bytes() == archive.read("flask.py")


def test_wheel_in_a_fresh_venv_serves_the_hello_app(installed, tmp_path):
    venv, python, app_dir = installed
    (app_dir / "hello.py").write_text((REPO / "examples" / "hello.py").read_text())
    location = run([python, "-c", "import flask; print(flask.__file__)"], cwd=app_dir)
    assert Path(location.strip()).is_relative_to(venv)

    server = start_server(
        "hello",
        [python, "-c", "from hello import app; app.run(host='127.0.0.1', port=0)"],
        tmp_path,
        cwd=app_dir,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        with urllib.request.urlopen(server.url + "/", timeout=10) as response:
            assert (response.status, response.read()) == (200, b"Hello World!")
    finally:
        server.stop()


# -- next to an extension that requires Flask ---------------------------------
#
# docs/installation.rst, "If something asks for Flask later". The
# extension and Flask are stand-ins built here: Flask-Example 1.0, which
# requires Flask>=1, and a Flask 3.1.0 whose package flask says which it
# is. pip finds them in a folder of their own and nowhere else.

#: The stand-ins: {folder name: (pyproject.toml, {file: source})}.
STAND_INS = {
    "flask-example": (
        'name = "Flask-Example"\nversion = "1.0"\ndependencies = ["Flask>=1"]\n'
        '[tool.setuptools]\npy-modules = ["flask_example"]\n',
        {"flask_example.py": "import flask\n"},
    ),
    "flask": (
        'name = "Flask"\nversion = "3.1.0"\n'
        '[tool.setuptools]\npackages = ["flask"]\n',
        {"flask/__init__.py": '__version__ = "3.1.0"\n'},
    ),
}


@pytest.fixture(scope="module")
def find_links(tmp_path_factory):
    """Folders of wheels for pip's --find-links: "all" with both stand-ins,
    "extension" with Flask-Example alone."""
    sources = tmp_path_factory.mktemp("stand-ins")
    folders = {"all": sources / "all", "extension": sources / "extension"}
    for name, (project, files) in STAND_INS.items():
        source = sources / name
        for path, text in files.items():
            (source / path).parent.mkdir(parents=True, exist_ok=True)
            (source / path).write_text(text)
        (source / "pyproject.toml").write_text(
            '[build-system]\nrequires = ["setuptools>=77"]\n'
            'build-backend = "setuptools.build_meta"\n[project]\n' + project
        )
        run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
             "--outdir", folders["all"], source])
    (extension,) = folders["all"].glob("flask_example-*.whl")
    folders["extension"].mkdir()
    (folders["extension"] / extension.name).write_bytes(extension.read_bytes())
    return folders


def pip(python, *args):
    """pip for the environment of ``python``, without this machine's pip
    configuration (its indexes, find-links and constraints): only what
    the command line names is looked in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check",
         *map(str, args)],
        capture_output=True, text=True, timeout=300, env=env,
    )


def install_extension(python, links, *options):
    return pip(python, "install", "--no-index", "--find-links", links, *options,
               "Flask-Example")


def listed(python):
    """pip list of the environment: {normalized name: version}."""
    result = pip(python, "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    return {re.sub(r"[-_.]+", "-", entry["name"]).lower(): entry["version"]
            for entry in json.loads(result.stdout)}


def imported_flask(python, venv):
    """The file ``import flask`` loads in the environment, relative to its
    site-packages, and the module's __version__."""
    result = run([python, "-I", "-c",
                  "import flask, json; print(json.dumps([flask.__file__, flask.__version__]))"],
                 cwd=venv)
    file, version = json.loads(result)
    (site_packages,) = venv.glob("lib/python*/site-packages")
    return Path(file).relative_to(site_packages).as_posix(), version


@pytest.fixture
def alone(wheel, tmp_path):
    """A fresh virtual environment holding flask.py and its dependencies
    only: its folder and its Python."""
    venv, python = new_venv_with(wheel, tmp_path)
    assert "flask" not in listed(python)
    assert imported_flask(python, venv) == ("flask.py", flask.__version__)
    return venv, python


def test_an_extension_requiring_flask_brings_flask_which_then_is_imported(
    alone, find_links, wheel
):
    venv, python = alone
    result = install_extension(python, find_links["all"])
    assert result.returncode == 0, result.stderr
    # pip does not count flask.py as Flask: it installs Flask beside it,
    # and sees no conflict.
    versions = listed(python)
    assert {name: versions.get(name) for name in ("flask", "flask-example", "flask-py")} == {
        "flask": "3.1.0", "flask-example": "1.0", "flask-py": flask.__version__,
    }
    assert pip(python, "check").returncode == 0
    # Both are on disk; the package folder wins.
    (site_packages,) = venv.glob("lib/python*/site-packages")
    assert (site_packages / "flask.py").is_file()
    assert imported_flask(python, venv) == ("flask/__init__.py", "3.1.0")
    # Uninstalling what came with the extension gives flask.py back, whole.
    result = pip(python, "uninstall", "--yes", "Flask", "Flask-Example")
    assert result.returncode == 0, result.stderr
    assert {"flask", "flask-example"}.isdisjoint(listed(python))
    assert imported_flask(python, venv) == ("flask.py", flask.__version__)
    with zipfile.ZipFile(wheel) as archive:
        assert (site_packages / "flask.py").read_bytes() == archive.read("flask.py")


def test_an_extension_requiring_flask_is_refused_when_no_flask_can_be_found(
    alone, find_links
):
    venv, python = alone
    before = listed(python)
    result = install_extension(python, find_links["extension"])
    # flask.py does not satisfy Flask>=1, so pip looks for Flask, finds
    # none and installs nothing.
    assert result.returncode == 1
    assert "Flask>=1" in result.stderr
    assert listed(python) == before
    assert imported_flask(python, venv) == ("flask.py", flask.__version__)


def test_an_extension_installed_without_its_dependencies_leaves_flask_to_flask_py(
    alone, find_links
):
    venv, python = alone
    result = install_extension(python, find_links["all"], "--no-deps")
    assert result.returncode == 0, result.stderr
    versions = listed(python)
    assert versions.get("flask-example") == "1.0" and "flask" not in versions
    assert imported_flask(python, venv) == ("flask.py", flask.__version__)
    # pip check says what is missing: to pip, Flask is not installed.
    result = pip(python, "check")
    assert result.returncode == 1
    assert result.stdout.lower().split() == [
        "flask-example", "1.0", "requires", "flask,", "which", "is", "not", "installed."]
