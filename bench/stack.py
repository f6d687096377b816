"""The documented deployment on this machine: nginx → two gunicorn app servers → PostgreSQL, Redis.

:class:`Stack` starts, on free ports of 127.0.0.1 and with configs of its own:

- ``redis-server --port N --save '' --daemonize no`` (never the Redis that may already listen on
  6379: that one is not ours);
- two gunicorn app servers (``deploy/gunicorn.conf.py``, ``--no-control-socket`` through the
  config, settings ``bench.settings``, which extends prod), by default 3 + 2 sync workers: the
  deployed 2 × cores + 1 = 5 on this one machine, split over two servers; both use one
  ``bench*`` PostgreSQL database and that Redis (``DJANGO_REDIS_URL``) for the cache and
  sessions;
- nginx (``nginx -c <tmp>/nginx.conf -p <tmp> -e <tmp>/error.log``) in front, plain HTTP on
  loopback, running the very rules a school installs: it includes ``deploy/nginx/limits.conf``
  and ``deploy/nginx/app.conf`` from the checkout (only TLS and the upstream's addresses differ
  from ``deploy/nginx.conf``). The upstream weights follow the worker counts.

Leaving the ``with`` block stops everything it started, by pid, whatever happened (gunicorn
first, then nginx, then Redis). Drills use :meth:`Stack.stop_app`, :meth:`Stack.start_app`,
:meth:`Stack.stop_redis` and :meth:`Stack.start_redis` to break one piece at a time.

By hand, to look at the stack (it stops by itself after ``--hold`` seconds, at most 600)::

    .venv/bin/python -m bench.stack --hold 120
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import harness

HOST = harness.HOST
DEPLOY = harness.ROOT / "deploy"
NGINX_RULES = [DEPLOY / "nginx" / "limits.conf", DEPLOY / "nginx" / "app.conf"]


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` in KiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _stop_process(process: subprocess.Popen | None, name: str, sig=signal.SIGTERM) -> None:
    """Stop one process we started, by its pid; SIGKILL if it does not go within 15 s."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    harness.log(f"{name} {process.pid} stopped")


class Redis:
    """``redis-server`` of our own on 127.0.0.1:``port``, no persistence, in the foreground."""

    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.url = f"redis://{HOST}:{port}/0"

    def start(self) -> None:
        if shutil.which("redis-server") is None:
            raise SystemExit("redis-server is not installed: apt-get install -y redis-server")
        if not harness.port_is_free(self.port):
            raise RuntimeError(f"Port {self.port} is taken: not starting Redis there")
        log = (self.workdir / "redis.log").open("a")
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.ping():
                harness.log(f"redis-server {self.process.pid} on {HOST}:{self.port}")
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def ping(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def command(self, *words: str) -> bytes:
        """Send one command (inline protocol) and return the raw first reply."""
        with socket.create_connection((HOST, self.port), timeout=2) as sock:
            sock.sendall((" ".join(words) + "\r\n").encode())
            return sock.recv(65536)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        _stop_process(self.process, "redis-server")


class Nginx:
    """nginx with a config of its own in ``workdir``, in front of the app servers."""

    def __init__(self, port: int, upstreams: list[tuple[int, int]], workdir: Path):
        self.port = port
        self.upstreams = upstreams  # (port, weight)
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.conf = workdir / "nginx.conf"
        self.access_log = workdir / "nginx-access.log"
        self.error_log = workdir / "nginx-error.log"

    def render(self) -> str:
        temp = self.workdir / "nginx-temp"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (temp / name).mkdir(parents=True, exist_ok=True)
            (temp / name).chmod(0o777)  # nginx's workers run as nobody
        servers = "\n".join(
            f"        server {HOST}:{port} weight={weight} max_fails=1 fail_timeout=2s;"
            for port, weight in self.upstreams
        )
        rules = {path.name: path for path in NGINX_RULES}
        return f"""# Written by bench/stack.py: deploy/nginx/*.conf behind plain HTTP on {HOST}.
worker_processes 1;
daemon off;
pid {self.workdir / "nginx.pid"};
error_log {self.error_log} warn;
events {{ worker_connections 1024; }}
http {{
    access_log {self.access_log} combined buffer=64k flush=1s;
    client_body_temp_path {temp / "client_body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {rules["limits.conf"]};
    upstream stalin_unit {{
{servers}
    }}
    server {{
        listen {HOST}:{self.port};
        server_name {HOST} localhost;
        include {rules["app.conf"]};
    }}
}}
"""

    def start(self) -> None:
        if shutil.which("nginx") is None:
            raise SystemExit("nginx is not installed: apt-get install -y nginx")
        if not harness.port_is_free(self.port):
            raise RuntimeError(f"Port {self.port} is taken: not starting nginx there")
        self.conf.write_text(self.render())
        base = ["nginx", "-c", str(self.conf), "-p", str(self.workdir), "-e", str(self.error_log)]
        check = subprocess.run(
            [*base, "-t", "-q"], capture_output=True, text=True, timeout=30, check=False
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused {self.conf}:\n{check.stderr}")
        self.process = subprocess.Popen(
            base,
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "nginx-stderr.log").open("a"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if not harness.port_is_free(self.port):
                harness.log(f"nginx {self.process.pid} on http://{HOST}:{self.port}")
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not listen on {self.port}; see {self.error_log}")

    def stop(self) -> None:
        # SIGQUIT: finish the requests in flight, then exit (the master stops its workers).
        _stop_process(self.process, "nginx", signal.SIGQUIT)


class Stack:
    """nginx → app servers (gunicorn) → PostgreSQL (``env``'s DATABASE_URL) + Redis of our own.

    ``workers`` lists each app server's worker count (default 3 and 2: five in all, as deployed
    on two cores). ``redis=False`` runs without Redis (each server its own locmem cache,
    sessions in the database). Use in a ``with`` block; everything started is stopped on exit.
    """

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: tuple[int, ...] = (3, 2),
        redis: bool = True,
        name: str = "stack",
        log_dir: Path | None = None,
    ):
        self.base_env = dict(env)
        self.workers = workers
        self.use_redis = redis
        self.name = name
        self.log_dir = log_dir or harness.RESULTS
        self.workdir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        self.workdir.chmod(0o755)
        self.redis: Redis | None = None
        self.nginx: Nginx | None = None
        self.apps: list[harness.Gunicorn | None] = []
        self.app_ports: list[int] = []

    # Starting and stopping ---------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        """The environment of the app servers (and of anything that must share their cache)."""
        env = dict(self.base_env)
        if self.redis is not None:
            env["DJANGO_REDIS_URL"] = self.redis.url
        return env

    def __enter__(self) -> Stack:
        try:
            if self.use_redis:
                self.redis = Redis(free_port(), self.workdir)
                self.redis.start()
            for index, _ in enumerate(self.workers):
                self.app_ports.append(free_port())
                self.apps.append(None)
                self.start_app(index)
            weights = list(zip(self.app_ports, self.workers, strict=True))
            self.nginx = Nginx(free_port(), weights, self.workdir)
            self.nginx.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        for index in range(len(self.apps)):
            with contextlib.suppress(Exception):
                self.stop_app(index)
        if self.nginx is not None:
            self.nginx.stop()
        if self.redis is not None:
            self.redis.stop()
        harness.log(f"{self.name}: everything it started is stopped (logs in {self.workdir})")

    def start_app(self, index: int) -> harness.Gunicorn:
        """Start app server ``index`` (again) on its own port; waits until /healthz is 200."""
        if self.apps[index] is not None and self.apps[index].process.poll() is None:
            return self.apps[index]
        log_path = self.log_dir / f"{self.name}-app{index + 1}-gunicorn.log.tmp"
        env = {**self.env, "BENCH_APP_SERVER": str(index + 1)}
        server = harness.Gunicorn(
            env, port=self.app_ports[index], workers=self.workers[index], log_path=log_path
        )
        server.__enter__()
        self.apps[index] = server
        return server

    def stop_app(self, index: int) -> None:
        server = self.apps[index]
        if server is not None:
            server.stop()
            self.apps[index] = None

    def stop_redis(self) -> None:
        if self.redis is not None:
            self.redis.stop()

    def start_redis(self) -> None:
        if self.redis is not None and not self.redis.running:
            self.redis.start()

    # Addresses and measurements ----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """nginx: where every client of the benchmarks and drills goes."""
        assert self.nginx is not None
        return f"http://{HOST}:{self.nginx.port}"

    def app_url(self, index: int) -> str:
        """One app server directly (drills only; clients go through nginx)."""
        return f"http://{HOST}:{self.app_ports[index]}"

    def worker_pids(self) -> dict[int, list[int]]:
        """App server index → its gunicorn workers' pids, right now."""
        return {
            index: sorted(server.workers_now())
            for index, server in enumerate(self.apps)
            if server is not None
        }

    def worker_rss_kib(self) -> dict[int, int]:
        """Every gunicorn worker's resident memory (KiB), by pid."""
        return {pid: rss_kib(pid) for pids in self.worker_pids().values() for pid in pids}

    def describe(self) -> str:
        apps = ", ".join(
            f"app server {index + 1} on :{port} ({workers} workers)"
            for index, (port, workers) in enumerate(zip(self.app_ports, self.workers, strict=True))
        )
        redis = f"Redis on :{self.redis.port}" if self.redis else "no Redis"
        return f"nginx on :{self.nginx.port if self.nginx else '?'} → {apps}; {redis}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="bench_stack")
    parser.add_argument("--hold", type=int, default=60, help="seconds to keep it up (max 600)")
    parser.add_argument("--workers", default="3,2", help="workers of each app server, e.g. 3,2")
    args = parser.parse_args(argv)
    harness.exit_cleanly_on_sigterm()
    env = harness.bench_env(args.database)
    data = harness.prepare(args.database, env)
    workers = tuple(int(part) for part in args.workers.split(","))
    with Stack(env, workers=workers, name="stack") as stack:
        print(stack.describe())
        print(f"Open {stack.base_url}/ ; a student's cookie: {data['cookie_name']}=…")
        print(f"(setup JSON: {harness.RESULTS / f'setup-{args.database}.json.tmp'})")
        time.sleep(max(1, min(args.hold, 600)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
