"""minitwit on two application hosts behind nginx, with PostgreSQL behind
them (the cluster of ``cluster.py``), under the load of 16 simulated
users for 21 seconds or more while things break:

- at a third of the run (later if the users are still logging in) app1
  is killed (SIGKILL of its whole process group, as a machine that
  dies), and started again 4 seconds later;
- at three quarters (later if app1 is not back yet) PostgreSQL restarts
  in fast mode.

The session is a signed cookie, so either host serves any user; the
data is in PostgreSQL, so nothing is lost with a host. What the visitors
saw is checked against what the database holds afterwards, and the
figures are printed at the end (run with ``-s`` to see them as they come).

Run it alone with::

    .venv/bin/python -m pytest tests/scaleout -q -s
"""
import signal
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from cluster import FAIL_TIMEOUT
from visitors import Load, Outcome, Visitor, acknowledged, describe, read_public_timeline, refused

pytestmark = pytest.mark.slow

USERS = 16
LOAD_SECONDS = 21
#: When, in seconds from the start of the load, app1 dies, how long it
#: stays dead, and when PostgreSQL restarts. On a busy machine these move
#: later: app1 dies only once every user has logged in (password hashing
#: is slow) and the database restarts only once app1 serves again.
KILL_AT = 7
HOST_DOWN = 4
DB_RESTART_AT = 16
#: How long the application may take to recover from a database restart.
DB_RECOVERY_LIMIT = 5


def other_host(name):
    return {"app1": "app2", "app2": "app1"}[name]


def test_session_crosses_hosts(cluster):
    clock = time.monotonic
    visitor = Visitor(cluster, "traveller", clock, [])
    assert visitor.register().ok
    login = visitor.log_in()
    assert login.ok and login.host in ("app1", "app2")
    # nginx takes turns: within a few requests the other host answers.
    for _ in range(10):
        page = visitor.request("GET", "/")
        if page.host == other_host(login.host):
            break
    else:
        pytest.fail(f"{other_host(login.host)} never answered")
    # The other host knows who this is, from the cookie the first signed.
    assert page.status == 200
    assert "What's on your mind, traveller?" in page.body


@dataclass
class Run:
    """What happened during the load: every request, the posts, and the
    times (seconds from the start) of the failures injected."""

    outcomes: list
    visitors: list
    seconds: float
    everyone_in: float  # when the last user had logged in
    kill_began: float  # app1's processes were sent SIGKILL
    killed_at: float  # every one of them was gone
    restart_began: float
    restarted_at: float
    db_restart_began: float
    db_restarted_at: float
    db_down_probe: Outcome
    app_pids_before_db: dict
    app_pids_after_db: dict
    stored: set  # (username, text) of every message in the database
    on_public_timeline: set  # the post texts the public timeline shows

    def in_db_window(self, outcome):
        """Whether a request may have met the database restart."""
        return (outcome.ended >= self.db_restart_began
                and outcome.started <= self.db_restart_began + DB_RECOVERY_LIMIT)

    def in_kill_window(self, outcome):
        """Whether a request was in flight on app1 when it was killed."""
        return outcome.started <= self.killed_at + 1 and outcome.ended >= self.kill_began

    def torn_by_the_crash(self, outcome):
        """Whether a request lost its response half-way, because app1 died
        after nginx had passed the first bytes on: nginx can no longer send
        it elsewhere, whatever the method (as with a real crashed machine)."""
        return (outcome.status is None and "IncompleteRead" in outcome.body
                and self.in_kill_window(outcome))

    @property
    def failures(self):
        return [outcome for outcome in self.outcomes if not outcome.ok]

    @property
    def acknowledged(self):
        return acknowledged(self.visitors)

    @property
    def refused(self):
        return refused(self.visitors)

    def throughput(self, start, end):
        done = sum(1 for outcome in self.outcomes if start <= outcome.ended < end)
        return done / (end - start)


@pytest.fixture
def run(cluster, request):
    """The load with the failures, run once for the module (after the
    ``cluster`` fixture has checked that its servers are installed)."""
    return request.getfixturevalue("_run")


@pytest.fixture(scope="module")
def _run(_cluster):
    """Run the load with the failures; return a :class:`Run`."""
    cluster = _cluster
    app1 = cluster.apps["app1"]
    begin = time.monotonic()

    def clock():
        return time.monotonic() - begin

    def sleep_until(moment):
        time.sleep(max(0.0, moment - clock()))

    load = Load(cluster, USERS, clock).start()
    try:
        everyone_in = load.wait_everyone_in(LOAD_SECONDS)
        sleep_until(max(KILL_AT, everyone_in + 2))
        kill_began = clock()
        app1.kill()
        # Once every process of app1 is gone.
        killed_at = clock()

        sleep_until(killed_at + HOST_DOWN)
        restart_began = clock()
        app1.start()
        restarted_at = clock()

        # Not before nginx has had the time to send app1 traffic again.
        sleep_until(max(DB_RESTART_AT, clock() + FAIL_TIMEOUT + 3))
        pids_before = {name: app.pid for name, app in cluster.apps.items()}
        db_restart_began = clock()
        # pg_ctl restart -m fast, by hand, so that a request is sure to
        # come while the database is down: SIGINT ends every session and
        # stops the server; then it starts again.
        cluster.db.process.send_signal(signal.SIGINT)
        cluster.db.process.wait(30)
        probe = Visitor(cluster, "probe", clock, []).request("GET", "/public")
        cluster.db.start()
        db_restarted_at = clock()
        pids_after = {name: app.pid for name, app in cluster.apps.items() if app.alive()}
    except BaseException:
        load.end(0)
        raise
    # Time to show the recovery, however late the restart came.
    seconds = load.end(max(LOAD_SECONDS, db_restarted_at + DB_RECOVERY_LIMIT + 1))

    return Run(
        everyone_in=everyone_in,
        outcomes=load.outcomes,
        visitors=load.visitors,
        seconds=seconds,
        kill_began=kill_began,
        killed_at=killed_at,
        restart_began=restart_began,
        restarted_at=restarted_at,
        db_restart_began=db_restart_began,
        db_restarted_at=db_restarted_at,
        db_down_probe=probe,
        app_pids_before_db=pids_before,
        app_pids_after_db=pids_after,
        stored=set(cluster.stored_posts()),
        on_public_timeline=read_public_timeline(Visitor(cluster, "reader", clock, [])),
    )


def test_cluster_figures(run, figure):
    kinds = Counter(f"{o.method} {o.status or 'no answer'}" for o in run.failures)
    hosts = Counter(o.host for o in run.outcomes if o.host)
    db_failures = [o for o in run.failures if run.in_db_window(o)]
    back = [o for o in run.outcomes if o.host == "app1" and o.started >= run.restarted_at]
    stored_refused = run.refused & run.stored
    figure(f"{USERS} users for {run.seconds:.1f} s through nginx to 2 gunicorn hosts:"
           f" {len(run.outcomes)} requests, {len(run.failures)} failed"
           f" ({', '.join(f'{k}: {n}' for k, n in sorted(kinds.items())) or 'none'})")
    figure(f"requests per host: app1 {hosts['app1']}, app2 {hosts['app2']};"
           f" {sum(map(run.torn_by_the_crash, run.outcomes))} responses cut off"
           f" half-way by the crash of app1")
    figure(f"posts: {len(run.acknowledged)} acknowledged, {len(run.stored)} stored,"
           f" {len(run.acknowledged - run.stored)} acknowledged but lost,"
           f" {len(run.refused)} reported failed ({len(stored_refused)} of them stored anyway)")
    first_back = min((o.ended for o in back), default=float("nan")) - run.restarted_at
    figure(f"every user logged in at {run.everyone_in:.1f} s;"
           f" app1 killed at {run.killed_at:.1f} s, started again at {run.restart_began:.1f} s,"
           f" serving at {run.restarted_at:.1f} s, first request through nginx"
           f" {first_back:.2f} s later, {len(back)} requests after")
    last_db_failure = max((o.ended for o in db_failures), default=run.db_restart_began)
    figure(f"PostgreSQL fast restart at {run.db_restart_began:.1f} s:"
           f" down for {run.db_restarted_at - run.db_restart_began:.2f} s,"
           f" {len(db_failures)} requests failed, last failure"
           f" {last_db_failure - run.db_restart_began:.2f} s after the restart began")
    # Leaving out the registrations and first logins, when password
    # hashing weighs most.
    both = run.throughput(run.everyone_in, run.killed_at)
    one = run.throughput(run.killed_at + 0.5, run.restart_began)
    again = run.throughput(run.restarted_at + FAIL_TIMEOUT + 1, run.db_restart_began)
    figure(f"throughput: {both:.0f} requests/s on 2 hosts, {one:.0f} on 1,"
           f" {again:.0f} on 2 again (one machine of 2 cores runs everything:"
           f" not a measure of scaling)")
    assert sum(hosts.values()) == len(run.outcomes) - sum(1 for o in run.outcomes if not o.host)


def test_load_is_shared_by_both_hosts(run):
    hosts = Counter(o.host for o in run.outcomes)
    total = len(run.outcomes)
    assert len({v.name for v in run.visitors if v.acknowledged}) == USERS
    for name in ("app1", "app2"):
        assert hosts[name] > total * 0.15, hosts


def test_gets_never_fail_when_a_host_dies(run):
    # Only a response cut off by the crash itself cannot be retried (see
    # torn_by_the_crash); the figures count them.
    failed = [o for o in run.failures if o.method == "GET" and not run.in_db_window(o)
              and not run.torn_by_the_crash(o)]
    assert not failed, describe(failed)
    # While app1 was dead, app2 answered every GET, those nginx sent to
    # app1 first included.
    gets = [o for o in run.outcomes if o.method == "GET"
            and run.killed_at <= o.started <= run.restart_began]
    assert gets and all(o.host == "app2" for o in gets), describe(gets)


def test_failed_posts_are_reported_to_the_client(run):
    # Outside the database restart, a POST fails only when app1 died with
    # it: nginx cannot know whether it was carried out, does not send it
    # again, and says so with 502 rather than a success.
    failed = [o for o in run.failures if not run.in_db_window(o)
              and not run.torn_by_the_crash(o)]
    assert all(o.method == "POST" and o.status == 502 for o in failed), describe(failed)
    assert all(run.in_kill_window(o) for o in failed), describe(failed)
    # Every other failure reached the visitor as an HTTP error page, never
    # a traceback.
    answered = [o for o in run.failures if not run.torn_by_the_crash(o)]
    assert all(o.status is not None and o.status >= 500 for o in answered), describe(answered)
    assert not [o for o in run.failures if "Traceback" in o.body], describe(run.failures)


def test_no_acknowledged_post_is_lost(run):
    assert run.acknowledged
    assert run.acknowledged <= run.stored
    assert {text for _, text in run.acknowledged} <= run.on_public_timeline


def test_restarted_host_takes_traffic_again(run):
    back = [o for o in run.outcomes if o.host == "app1" and o.started >= run.restarted_at]
    assert back, "app1 served nothing after its restart"
    # nginx tries a failed host again after fail_timeout, counted in whole
    # seconds: allow one more, and one for a busy machine.
    assert min(o.ended for o in back) - run.restarted_at <= FAIL_TIMEOUT + 2


def test_database_restart_gives_a_clean_error_page(run):
    probe = run.db_down_probe
    assert probe.status == 503, probe.body
    assert "The database is not available right now" in probe.body
    failed = [o for o in run.failures if run.in_db_window(o)]
    for outcome in [probe, *failed]:
        assert "Traceback" not in outcome.body
        assert "<title>" in outcome.body, describe([outcome])


def test_database_restart_recovers_within_seconds(run):
    assert run.app_pids_after_db == run.app_pids_before_db, "an app server died"
    late = [o for o in run.failures if o.started > run.db_restart_began + DB_RECOVERY_LIMIT]
    assert not late, describe(late)
    after = [o for o in run.outcomes if o.started > run.db_restarted_at]
    assert after and after[-1].ok
