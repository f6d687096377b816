"""What every benchmark and fault drill shares: the environment, the database, gunicorn.

- :func:`bench_env` builds the environment prod settings require, for ``bench.settings``.
- :func:`prepare` creates the ``bench*`` database if needed, migrates it, runs
  ``bench.setup_data`` and collects the static files; it returns setup_data's JSON.
- :class:`Gunicorn` starts ``gunicorn -c deploy/gunicorn.conf.py`` on 127.0.0.1 in its own
  process group and always stops it (use it in a ``with`` block).
- :func:`machine_info` says what the numbers were measured on.

Everything listens on and talks to 127.0.0.1 only; every wait here has a time limit.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
HOST = "127.0.0.1"
PG_URL = os.environ.get("BENCH_PG_URL", f"postgres://postgres@{HOST}:5432")


def log(message: str) -> None:
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", flush=True)


def bench_env(database: str, *, secret_key: str | None = None, **extra: str) -> dict[str, str]:
    """The environment for ``bench.settings`` against ``database`` on the local PostgreSQL.

    The secret key signs sessions: setup_data and gunicorn must share it, so a script makes one
    key (or takes ``DJANGO_SECRET_KEY``) and uses the same environment for both.
    """
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY=secret_key
        or os.environ.get("DJANGO_SECRET_KEY")
        or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DATABASE_URL=f"{PG_URL}/{database}",
        DJANGO_SECURE_SSL_REDIRECT="false",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def admin_connection(database: str = "postgres") -> psycopg.Connection:
    return psycopg.connect(f"{PG_URL}/{database}", autocommit=True, connect_timeout=5)


def database_exists(name: str) -> bool:
    with admin_connection() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def create_database(name: str, *, template: str | None = None) -> None:
    if not name.startswith("bench"):
        raise ValueError(f"benchmark databases are named bench*, not {name!r}")
    sql = f'CREATE DATABASE "{name}"'
    if template:
        sql += f' TEMPLATE "{template}"'
    with admin_connection() as conn:
        conn.execute(sql)


def drop_database(name: str) -> None:
    if not name.startswith("bench"):
        raise ValueError(f"refusing to drop {name!r}: not a benchmark database")
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args: list[str], env: dict[str, str], *, timeout: float, quiet: bool = False) -> str:
    """Run a command from the repository root; stop with its output if it fails."""
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise RuntimeError(f"{' '.join(args[:4])} … failed with exit code {result.returncode}")
    if not quiet:
        print(result.stdout, end="", flush=True)
    return result.stdout


def collectstatic(env: dict[str, str]) -> None:
    """Collect static files into BENCH_STATIC_ROOT unless its manifest is newer than static/."""
    static_root = _static_root(env)
    manifest = static_root / "staticfiles.json"
    newest_source = max(path.stat().st_mtime for path in (ROOT / "static").rglob("*"))
    if manifest.exists() and manifest.stat().st_mtime > newest_source:
        return
    log(f"collectstatic into {static_root}")
    run([PYTHON, "manage.py", "collectstatic", "--no-input"], env, timeout=300, quiet=True)


def _static_root(env: dict[str, str]) -> Path:
    code = (
        "import django; django.setup(); "
        "from django.conf import settings; print(settings.STATIC_ROOT)"
    )
    return Path(run([PYTHON, "-c", code], env, timeout=60, quiet=True).strip())


def prepare(
    database: str, env: dict[str, str], *, reset: bool = True, setup_args: list[str] = ()
) -> dict:
    """Create (if needed), migrate and fill ``database``; returns setup_data's JSON."""
    if not database.startswith("bench"):
        raise SystemExit(f"Benchmark databases are named bench*; refusing to touch {database!r}")
    if not database_exists(database):
        log(f"creating database {database}")
        create_database(database)
    log(f"migrate {database}")
    run([PYTHON, "manage.py", "migrate", "--no-input"], env, timeout=600, quiet=True)
    log("bench.setup_data" + (" --reset" if reset else ""))
    output = RESULTS / f"setup-{database}.json.tmp"
    args = [PYTHON, "-m", "bench.setup_data", "--output", str(output), *setup_args]
    run([*args, "--reset"] if reset else args, env, timeout=600, quiet=True)
    collectstatic(env)
    return json.loads(output.read_text())


def fresh_sessions(database: str, env: dict[str, str], *, setup_args: list[str] = ()) -> dict:
    """New sessions for every bench student and teacher (``setup_data --sessions-only``), made
    in ``env`` (give it the app servers' DJANGO_REDIS_URL so they are cached as after a real
    sign-in); the sessions of the previous call are deleted. Returns setup_data's JSON."""
    output = RESULTS / f"setup-{database}.json.tmp"
    args = [PYTHON, "-m", "bench.setup_data", "--sessions-only", "--output", str(output)]
    run([*args, *setup_args], env, timeout=300, quiet=True)
    return json.loads(output.read_text())


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) != 0


def http_get(url: str, *, cookie: str | None = None, timeout: float = 10) -> tuple[int, str]:
    """GET without following redirects; (status, body). A connection failure is status 0."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except (OSError, urllib.error.URLError):
        return 0, ""


def child_pids(parent: int) -> set[int]:
    """Pids whose parent is ``parent`` (gunicorn's workers, for its master), from /proc."""
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after the last ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent:
            children.add(int(entry.name))
    return children


class Gunicorn:
    """``gunicorn -c deploy/gunicorn.conf.py`` on 127.0.0.1:``port``, stopped on leaving.

    Its output (access log and error log) goes to ``log_path``. Leaving the ``with`` block sends
    SIGTERM to the master (graceful stop), then SIGKILL to its process group after 20 s.
    """

    def __init__(self, env: dict[str, str], *, port: int, workers: int, log_path: Path):
        self.env = {
            **env,
            "GUNICORN_BIND": f"{HOST}:{port}",
            "GUNICORN_WORKERS": str(workers),
        }
        self.port = port
        self.workers = workers
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.base_url = f"http://{HOST}:{port}"

    def __enter__(self) -> Gunicorn:
        if not port_is_free(self.port):
            raise RuntimeError(f"Port {self.port} on {HOST} is taken: stop what runs there first.")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "--no-control-socket"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_healthy(timeout=60)
            self.wait_for_workers(timeout=60)
        except BaseException:
            self.stop()
            raise
        log(f"gunicorn {self.process.pid} serving {self.base_url} with {self.workers} workers")
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def workers_now(self) -> set[int]:
        return child_pids(self.pid)

    def wait_for_workers(self, *, timeout: float) -> set[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.workers_now()
            if len(pids) == self.workers:
                return pids
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not have {self.workers} workers within {timeout} s")

    def wait_healthy(self, *, timeout: float) -> float:
        """Poll /healthz until it answers 200; returns the seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log_path}"
                )
            status, _ = http_get(f"{self.base_url}/healthz", timeout=2)
            if status == 200:
                return time.monotonic() - start
            time.sleep(0.2)
        raise RuntimeError(f"{self.base_url}/healthz did not answer 200 within {timeout} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._log.close()
        log(f"gunicorn {self.process.pid} stopped")


def machine_info(env: dict[str, str]) -> dict[str, str]:
    """Date, machine and the versions that matter, for the results files."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = run(
        [
            PYTHON,
            "-c",
            "import django, gunicorn, platform; "
            "print(platform.python_version(), django.get_version(), gunicorn.__version__)",
        ],
        env,
        timeout=30,
        quiet=True,
    ).split()
    with admin_connection() as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_before": f"{os.getloadavg()[0]:.2f}",
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "kernel": platform.release(),
        "python": versions[0],
        "django": versions[1],
        "gunicorn": versions[2],
        "postgresql": postgres,
    }


def run_wrk(
    url: str,
    *,
    cookie: str | None,
    duration: float,
    connections: int,
    threads: int = 2,
    items: Path | None = None,
) -> dict:
    """Load ``url`` with wrk for ``duration`` seconds; returns bench/wrk_stats.lua's counts.

    With ``items`` (a file of "<cookie>\t<path>" lines, see bench/wrk_stats.lua) every request
    takes the next line, with a query string never sent before; ``url`` then only names the
    server. Latencies come back in milliseconds (``p50`` … ``p99``), with ``rps``,
    ``requests``, ``non200`` (any status but 200), ``n5xx``, ``n3xx`` and ``socket_errors``
    (connect, read, write, timeout).
    """
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError(f"wrk may only target {HOST}, not {url}")
    args = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={int(duration)}s",
        "--timeout=10s",
        f"--script={ROOT / 'bench' / 'wrk_stats.lua'}",
    ]
    if cookie:
        args += ["--header", f"Cookie: {cookie}"]
    command = [*args, url]
    if items is not None:
        command += ["--", str(items), str(threads)]
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    stats = json.loads(line.removeprefix("WRK_JSON "))
    seconds = stats["duration_us"] / 1e6
    stats["rps"] = stats["requests"] / seconds if seconds else 0.0
    for name in ("p50", "p75", "p90", "p95", "p99", "max"):
        stats[name] = stats.pop(f"{name}_us") / 1000
    stats["socket_errors"] = sum(
        stats[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return stats


def git_commit() -> str:
    """The checked-out commit (short), for the results files (``BENCH_COMMIT`` overrides it,
    for a copy of the tree made to measure)."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so ``finally`` blocks and ``with`` exits still run."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def command_line() -> str:
    """How this script was run, as a reader would type it."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    what = f".venv/bin/python -m {spec.name}" if spec else Path(sys.argv[0]).name
    return " ".join([what, *sys.argv[1:]])


def write_report(lines: list[str], path: Path, *, passed: bool) -> int:
    """Print the report (headed by the command and commit that made it, unless it says so
    itself), save it to ``path``, and return the script's exit code."""
    if not any(line.startswith("Command:") for line in lines):
        lines = [
            *lines[:1],
            "",
            f"Command: `{command_line()}` (commit {git_commit()})",
            *lines[1:],
        ]
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    path.write_text(text)
    print(f"Wrote {path}")
    return 0 if passed else 1
