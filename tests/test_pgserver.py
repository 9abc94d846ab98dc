"""The throwaway PostgreSQL server of the tests (tests/pgserver.py): it
starts, keeps committed data across a restart, and leaves nothing behind."""
import os
import socket
import subprocess
import sys

import pytest

import pgserver

pytestmark = pytest.mark.slow

psycopg = pytest.importorskip('psycopg')


@pytest.fixture
def postgres_available(require):
    require(pgserver.missing_reason() is None, str(pgserver.missing_reason()))


def test_server_keeps_committed_rows_across_a_restart(postgres_available):
    with pgserver.PostgresServer('127.0.0.1') as server:
        with psycopg.connect(server.url) as db:
            db.execute('create table t (x integer)')
            db.execute('insert into t values (42)')
        server.restart()
        with psycopg.connect(server.url) as db:
            assert db.execute('select x from t').fetchall() == [(42,)]


def test_a_port_taken_before_the_start_is_traded_for_another(postgres_available, monkeypatch):
    # Another program listens on the first port reported free, as when it
    # takes the port between the report and the start.
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', 0))
        taken.listen()
        taken_port = taken.getsockname()[1]
        reports = iter([taken_port])
        real_report = pgserver.port_reported_free
        monkeypatch.setattr(pgserver, 'port_reported_free',
                            lambda host: next(reports, None) or real_report(host))
        with pgserver.PostgresServer('127.0.0.1') as server:
            assert server.port != taken_port
            with psycopg.connect(server.url) as db:
                assert db.execute('select 1').fetchall() == [(1,)]


def test_closed_server_leaves_no_folder_and_refuses_connections(postgres_available):
    server = pgserver.PostgresServer('127.0.0.1').start()
    folder = server.folder
    server.close()
    assert not folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.url, connect_timeout=5)


def test_leftover_of_a_crashed_run_is_removed(postgres_available):
    server = pgserver.PostgresServer('127.0.0.1').start()
    folder, process = server.folder, server.process
    try:
        # As if the test process that started it had died.
        dead = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'],
                              capture_output=True, text=True, check=True)
        (folder / 'owner.pid').write_text(dead.stdout.strip())
        pgserver.remove_leftovers()
        assert process.wait(pgserver.WAIT) is not None
        assert not folder.exists()
    finally:
        server.close()


def test_servers_of_running_tests_are_left_alone(postgres_available):
    with pgserver.PostgresServer('127.0.0.1') as server:
        pgserver.remove_leftovers()
        assert server.process.poll() is None
        assert server.folder.exists()


def test_only_loopback_addresses_are_accepted():
    with pytest.raises(ValueError):
        pgserver.PostgresServer('10.0.0.1')


def test_url_names_host_port_and_superuser():
    server = pgserver.PostgresServer('127.0.0.20', port=5499)
    assert server.url == 'postgresql://postgres@127.0.0.20:5499/postgres'
