"""A deploy of the cluster of ``cluster.py`` under the load of 16
simulated users, as the deployment chapter's "Deploying without
downtime" does it:

1. a rolling restart: a new release of minitwit is put on app1 and
   gunicorn is told to reload (``configs/deploy-minitwit.sh``); once
   app1's health check answers with the new release, the same on app2;
2. then a reload of nginx's configuration (``nginx -t``, then
   ``nginx -s reload``).

Nothing breaks here, so nothing may fail: every request of every visitor
succeeds, GET and POST, during both steps, and every acknowledged post is
stored once. The figures are printed at the end (``-s`` shows them as
they come); ``make scaleout-repeat N=5`` runs it five times in a row and
shows each run's figures.
"""
import shutil
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass

import pytest

from visitors import Load, Visitor, describe, read_public_timeline

pytestmark = pytest.mark.slow

USERS = 16
#: The longest the first logins may take (password hashing is slow).
LOGIN_LIMIT = 60
#: Seconds of load before the deploy, and after each step: the requests
#: around a step are counted with it.
SETTLE = 3
#: How long nginx's old workers may take to finish their requests.
DRAIN_LIMIT = 30
NEW_RELEASE = "2026.12.1"


@dataclass
class Step:
    """One step of the deploy: when it began and when it was over (app2
    serving the new release; nginx's old workers gone)."""

    name: str
    began: float
    ended: float

    def saw(self, outcome):
        """Whether a request was under way during the step or in the
        seconds after it."""
        return outcome.ended >= self.began and outcome.started <= self.ended + SETTLE


@dataclass
class Deploy:
    """What happened during the load: every request, the posts, the
    steps, and the processes before and after."""

    load: Load
    rolling: Step
    reload: Step
    hosts_done: dict  # name -> when its health check named the new release
    masters_before: dict
    masters_after: dict
    workers_before: dict
    workers_after: dict
    deploy_output: dict
    lb_master_before: int
    lb_master_after: int
    lb_workers_before: set
    lb_workers_after: set
    stored: list  # (username, text) of every message in the database
    on_public_timeline: set

    @property
    def outcomes(self):
        return self.load.outcomes

    def during(self, step):
        return [outcome for outcome in self.outcomes if step.saw(outcome)]


def health(app):
    """The status and ``X-Release`` of a host's own health check."""
    with urllib.request.urlopen(app.url + "/healthz", timeout=10) as response:
        return response.status, response.headers["X-Release"]


def wait_for(condition, limit, what):
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {limit} s"
        time.sleep(0.1)


@pytest.fixture
def deploy(cluster, require, request):
    """The deploy under load, run once for the module (after the
    ``cluster`` fixture has checked that its servers are installed, and
    with the curl that deploy-minitwit.sh uses)."""
    require(shutil.which("curl"), "curl is not installed (Debian package curl)")
    return request.getfixturevalue("_deploy")


@pytest.fixture(scope="module")
def _deploy(_cluster):
    cluster = _cluster
    apps = cluster.apps
    begin = time.monotonic()

    def clock():
        return time.monotonic() - begin

    load = Load(cluster, USERS, clock).start()
    try:
        time.sleep(max(0.0, load.wait_everyone_in(LOGIN_LIMIT) + SETTLE - clock()))
        masters_before = {name: app.pid for name, app in apps.items()}
        workers_before = {name: app.worker_pids() for name, app in apps.items()}
        release = cluster.make_release(NEW_RELEASE)

        began = clock()
        hosts_done, deploy_output = {}, {}
        for name in ("app1", "app2"):
            done = apps[name].deploy(release)
            assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
            hosts_done[name] = clock()
            deploy_output[name] = done.stdout
        rolling = Step("rolling restart", began, clock())
        time.sleep(SETTLE)

        lb_master_before = cluster.lb.pid
        lb_workers_before = cluster.lb_worker_pids()
        began = clock()
        cluster.reload_lb()
        wait_for(lambda: not cluster.lb_worker_pids() & lb_workers_before, DRAIN_LIMIT,
                 "nginx's old workers exit")
        reload = Step("nginx reload", began, clock())
        time.sleep(SETTLE)
    except BaseException:
        load.end(0)
        raise
    load.end(clock())
    # gunicorn's old workers have had the whole reload step to finish.
    return Deploy(
        load=load,
        rolling=rolling,
        reload=reload,
        hosts_done=hosts_done,
        masters_before=masters_before,
        masters_after={name: app.pid for name, app in apps.items() if app.alive()},
        workers_before=workers_before,
        workers_after={name: app.worker_pids() for name, app in apps.items()},
        deploy_output=deploy_output,
        lb_master_before=lb_master_before,
        lb_master_after=cluster.lb.pid if cluster.lb.process.poll() is None else None,
        lb_workers_before=lb_workers_before,
        lb_workers_after=cluster.lb_worker_pids(),
        stored=cluster.stored_posts(),
        on_public_timeline=read_public_timeline(Visitor(cluster, "reader", clock, [])),
    )


def posts_during(deploy, step):
    """The (username, text) of the posts acknowledged during ``step``."""
    posts = Counter()
    for visitor in deploy.load.visitors:
        mine = [o for o in deploy.outcomes if o.user == visitor.name
                and o.path == "/add_message" and o.ok]
        # A visitor's acknowledged posts are in the order of its requests.
        for outcome, text in zip(mine, visitor.acknowledged):
            if step.saw(outcome):
                posts[visitor.name, text] += 1
    return set(posts)


def test_deploy_figures(deploy, figure):
    stored = set(deploy.stored)
    for step in (deploy.rolling, deploy.reload):
        seen = deploy.during(step)
        failed = [o for o in seen if not o.ok]
        posts = posts_during(deploy, step)
        hosts = Counter(o.host for o in seen)
        figure(f"{step.name}: {len(seen)} requests, {len(failed)} failed;"
               f" posts: {len(posts)} acknowledged, {len(posts & stored)} of them stored;"
               f" {step.ended - step.began:.1f} s (app1 {hosts['app1']},"
               f" app2 {hosts['app2']} requests)")
    host_times = ", ".join(f"{name} serving {NEW_RELEASE} at {moment - deploy.rolling.began:.1f} s"
                           for name, moment in deploy.hosts_done.items())
    figure(f"{USERS} users, {len(deploy.outcomes)} requests in all,"
           f" {sum(not o.ok for o in deploy.outcomes)} failed; {host_times}")


def test_no_request_fails_during_a_rolling_restart(deploy):
    seen = deploy.during(deploy.rolling)
    assert {o.method for o in seen} == {"GET", "POST"}
    failed = [o for o in seen if not o.ok]
    assert not failed, describe(failed)


def test_no_request_fails_during_an_nginx_reload(deploy):
    seen = deploy.during(deploy.reload)
    assert {o.method for o in seen} == {"GET", "POST"}
    failed = [o for o in seen if not o.ok]
    assert not failed, describe(failed)


def test_no_request_fails_at_all(deploy):
    failed = [o for o in deploy.outcomes if not o.ok]
    assert not failed, describe(failed)
    assert not deploy.load.refused


def test_every_acknowledged_post_is_stored_once(deploy):
    assert deploy.load.acknowledged
    counts = Counter(deploy.stored)
    assert not [post for post, count in counts.items() if count > 1]
    assert deploy.load.acknowledged <= set(counts)
    assert {text for _, text in deploy.load.acknowledged} <= deploy.on_public_timeline


def test_each_host_serves_the_new_release_from_new_workers(cluster, deploy):
    for name, app in cluster.apps.items():
        assert health(app) == (200, NEW_RELEASE)
        assert f"release {NEW_RELEASE}" in deploy.deploy_output[name]
    # The same master, which kept the listening socket; none of the old
    # workers is left.
    assert deploy.masters_after == deploy.masters_before
    for name in cluster.apps:
        assert len(deploy.workers_after[name]) == len(deploy.workers_before[name]) == 2
        assert not deploy.workers_after[name] & deploy.workers_before[name]


def test_the_hosts_were_deployed_one_after_the_other(deploy):
    # app1 served the new release before app2's deploy began, and both
    # took requests during the rolling restart.
    assert deploy.hosts_done["app1"] < deploy.hosts_done["app2"]
    hosts = Counter(o.host for o in deploy.during(deploy.rolling))
    assert hosts["app1"] and hosts["app2"], hosts


def test_nginx_reload_replaced_its_workers_only(deploy):
    assert deploy.lb_master_after == deploy.lb_master_before
    assert deploy.lb_workers_after
    assert not deploy.lb_workers_after & deploy.lb_workers_before


def test_a_release_that_does_not_import_changes_nothing(cluster, deploy):
    app = cluster.apps["app1"]
    workers = app.worker_pids()
    release = cluster.make_release("broken")
    (release / "minitwit.py").write_text("import no_such_module\n")
    done = app.deploy(release)
    assert done.returncode != 0
    assert "no_such_module" in done.stderr
    assert health(app) == (200, NEW_RELEASE)
    assert app.worker_pids() == workers
    assert (app.app_dir / "RELEASE").read_text() == NEW_RELEASE + "\n"
