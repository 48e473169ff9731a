"""A server for the length of a `with` block, on 127.0.0.1: started, waited for until it answers
/-/versions.json, and stopped after (its whole process group), whatever happened in between.

One way to start and stop the site for the benchmark (bench/run.py), the load test and the probe
(bench/loadtest.py, bench/probe_site.py) and the tests that need a real server (tests/test_browser.py,
tests/test_site_security.py). Each runs either `datasette serve --immutable` as `make serve` does
(`datasette_serve`) or `make serve` itself (`make_serve`).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from loader.serving import SETTINGS_FILE, read_settings, setting_flags

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only: nothing here serves or targets another address


class ServerFailed(RuntimeError):
    """The server exited, or did not answer in time; the message ends with the tail of its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def datasette_serve(db: Path, port: int, metadata: Path = ROOT / "metadata.yml", settings: Path = SETTINGS_FILE,
                    inspect: Path | None = None) -> list[str]:
    """The command `make serve` runs (immutable, metadata, settings.json; the inspect file when given):
    `datasette serve`'s words, run on every core by loader/site/server.py."""
    command = [sys.executable, "-m", "loader.site.server", "serve", "--immutable", str(db)]
    if inspect is not None:
        command += ["--inspect-file", str(inspect)]
    return command + ["--metadata", str(metadata), "--host", HOST, "--port", str(port),
                      *setting_flags(read_settings(settings))]


def make_serve(db: Path, port: int) -> list[str]:
    """`make serve` itself, for a database elsewhere (it builds the inspect file beside it); run it
    with `Server(..., group=True)`."""
    return ["make", "--no-print-directory", "-C", str(ROOT), "serve", f"DB={db}", f"PORT={port}"]


def inspect(db: Path, out: Path) -> Path:
    """`datasette inspect`: the counts and hash an immutable server reads instead of counting."""
    subprocess.run([sys.executable, "-m", "datasette", "inspect", str(db), "--inspect-file", str(out)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return out


class Server:
    """`command` (which must serve on `port`) run with its output in `log`: a pipe nobody reads
    would fill up and stall the server. `base` is its address; `process` the child.

    A command that starts the server as a child of its own (`make serve`) runs in a session of its own
    (`group=True`), so that stopping it stops the server too; a server started directly stays in its
    parent's process group, so that a signal to the whole group (`timeout`, Ctrl-C) reaches it."""

    def __init__(self, command: list[str], port: int, log: Path, wait_s: float = 120, stop_s: float = 20,
                 group: bool = False):
        self.command, self.port, self.log = command, port, Path(log)
        self.wait_s, self.stop_s, self.group = wait_s, stop_s, group
        self.base = f"http://{HOST}:{port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        with self.log.open("w", encoding="utf-8") as out:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                            start_new_session=self.group)
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.wait_s
        while True:
            if self.process.poll() is not None:
                raise ServerFailed(f"{self.command[0]} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                urllib.request.urlopen(self.base + "/-/versions.json", timeout=5).read()
                return
            except OSError as error:
                if time.monotonic() > deadline:
                    raise ServerFailed(f"nothing answered on {self.base} within {self.wait_s:g} s:\n{self.log_tail()}") from error
                time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM to the server (with `group`, to its own process group only), SIGKILL when it lingers."""
        if self.process is None or self.process.returncode is not None:
            return
        for number, timeout in ((signal.SIGTERM, self.stop_s), (signal.SIGKILL, None)):
            try:
                if self.group:
                    os.killpg(self.process.pid, number)
                else:
                    self.process.send_signal(number)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=timeout)
                return
            except subprocess.TimeoutExpired:
                continue
