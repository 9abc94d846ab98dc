"""Fixtures of the scale-out test: the cluster of ``cluster.py``, started
once for the module and torn down at its end whether its tests passed or
not. Without nginx, PostgreSQL's server or gunicorn, the tests skip with
the reason, or fail under ``FLASK_TEST_REQUIRE_ALL=1``."""
import importlib.util

import pytest

import pgserver
from cluster import Cluster
from server_process import find_program


@pytest.fixture(scope="module")
def _cluster():
    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.close()


@pytest.fixture
def cluster(require, request):
    """db, app1, app2 and lb, running (see ``cluster.py``)."""
    require(find_program("nginx"), "nginx is not installed (Debian package nginx)")
    require(pgserver.missing_reason() is None, pgserver.missing_reason())
    require(importlib.util.find_spec("gunicorn"), "gunicorn is not installed")
    require(importlib.util.find_spec("psycopg"), "psycopg is not installed")
    return request.getfixturevalue("_cluster")
