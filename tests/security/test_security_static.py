"""The static route serves the static folder and nothing else: every way
of spelling a path out of it gives a 404 and never the file's contents."""
import os

import pytest

SECRET_CONTENTS = b"top secret: the database password"


@pytest.fixture
def static_app(app, tmp_path):
    """An application whose static folder holds ``style.css``, a symlink
    to a file outside it and a symlink to a folder outside it; the secret
    file sits beside the folder and in a folder of its own."""
    static = tmp_path / "static"
    static.mkdir()
    (static / "style.css").write_text("body { color: black }\n")
    (tmp_path / "secret.txt").write_bytes(SECRET_CONTENTS)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET_CONTENTS)
    os.symlink(tmp_path / "secret.txt", static / "link.txt")
    os.symlink(outside, static / "linkdir")
    return app


ESCAPES = [
    "../secret.txt",
    "..%2fsecret.txt",
    "%2e%2e/secret.txt",
    "%2e%2e%2fsecret.txt",
    "%2E%2E%2Fsecret.txt",
    ".%2e/secret.txt",
    "css/../../secret.txt",
    "..\\secret.txt",
    "..%5csecret.txt",
    "%5c..%5csecret.txt",
    "....//secret.txt",
    "%252e%252e%252fsecret.txt",
    "/{root}/secret.txt",
    "{root}/secret.txt",
    "%2f{root}%2fsecret.txt",
    "secret.txt%00.css",
    "../secret.txt%00",
    "style.css%00../../secret.txt",
    "link.txt",
    "linkdir/secret.txt",
    "linkdir/../../secret.txt",
    ".",
    "..",
    "%2e",
    "",
]


def test_the_static_file_itself_is_served(static_app):
    """The control: a file inside the folder is served."""
    with static_app.test_client().get("/static/style.css") as response:
        assert (response.status_code, response.data) == (200, b"body { color: black }\n")


@pytest.mark.parametrize("escape", ESCAPES)
def test_paths_out_of_the_static_folder_give_404(static_app, tmp_path, escape):
    """Through the test client, which percent-decodes the path as a
    server would; redirects (a doubled slash is merged) are followed."""
    url = "/static/" + escape.format(root=str(tmp_path).lstrip("/"))
    response = static_app.test_client().get(url, follow_redirects=True)
    assert response.status_code == 404, url
    assert SECRET_CONTENTS not in response.data


def get_following_redirects(app, path, wsgi_environ, wsgi_call):
    """GET ``path`` through a raw WSGI environment, following redirects
    (routing merges doubled slashes with one); return the last status and
    every body seen on the way."""
    bodies = b""
    for _ in range(5):
        status, headers, body = wsgi_call(app, wsgi_environ("GET", path))
        bodies += body
        if status not in (301, 302, 308):
            return status, bodies
        location = dict(headers)["Location"]
        path = location.split("localhost", 1)[-1].split("?", 1)[0]
    raise AssertionError(f"redirect loop from {path!r}")


@pytest.mark.parametrize("escape", ESCAPES)
def test_undecoded_paths_out_of_the_static_folder_give_404(
    static_app, tmp_path, escape, wsgi_environ, wsgi_call
):
    """The same paths handed to the application as some servers do:
    not percent-decoded, straight into the WSGI environment."""
    path = "/static/" + escape.format(root=str(tmp_path).lstrip("/"))
    status, body = get_following_redirects(static_app, path, wsgi_environ, wsgi_call)
    assert status == 404, path
    assert SECRET_CONTENTS not in body


@pytest.mark.parametrize("raw", ["\\..\\secret.txt", "..\x00/secret.txt", "\x00", "/\\/secret.txt"])
def test_raw_backslashes_and_null_bytes_give_404(static_app, raw, wsgi_environ, wsgi_call):
    """Decoded null bytes and backslashes, which a test client cannot send."""
    status, body = get_following_redirects(static_app, "/static/" + raw, wsgi_environ, wsgi_call)
    assert status == 404, raw
    assert SECRET_CONTENTS not in body


def test_every_escape_gives_404_with_the_figure(static_app, tmp_path, figure):
    """All the escapes above in one pass, to report how many were tried."""
    client = static_app.test_client()
    statuses = set()
    for escape in ESCAPES:
        url = "/static/" + escape.format(root=str(tmp_path).lstrip("/"))
        response = client.get(url, follow_redirects=True)
        assert SECRET_CONTENTS not in response.data
        statuses.add(response.status_code)
    figure(f"{len(ESCAPES)} escapes from the static folder, statuses {sorted(statuses)}")
    assert statuses == {404}, f"statuses {sorted(statuses)}"
