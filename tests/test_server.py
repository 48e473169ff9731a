"""`make serve` runs `datasette serve`'s own words on several processes (loader/site/server.py): the
same site on every worker, one clear error for a bad command, no process left behind."""
import json
import os
import subprocess
import sys
import time
import urllib.request

from bench.loadtest import descendants
from bench.site import Server, datasette_serve, free_port
from conftest import ROOT

PAGES = ["/events/events.json?_shape=objects&_size=5", "/events/search.json?q=patrol&_shape=objects",
         "/-/settings.json", "/events/events_per_month.json?_shape=objects"]


def fetch(base: str, path: str):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.load(response)


def test_the_site_on_two_worker_processes_answers_as_datasette_does_in_process(seed_db, served, tmp_path):
    port = free_port()
    command = datasette_serve(seed_db, port)
    command.insert(command.index("serve"), "--workers=2")
    with Server(command, port, tmp_path / "serve.log", wait_s=60) as server:
        workers = descendants(server.process.pid)
        # whichever worker answers a request must give the in-process answer
        for _ in range(8):
            for path in PAGES:
                served_json = served(path).json()
                got = json.loads(json.dumps(fetch(server.base, path)).replace(server.base, "http://localhost"))
                for answer in (got, served_json):
                    if isinstance(answer, dict):
                        answer.pop("query_ms", None)  # timings differ, nothing else may
                assert got == served_json, path
    assert len(workers) >= 2  # uvicorn's two workers (and its own helper process, if any)
    deadline = time.monotonic() + 10  # multiprocessing's resource tracker leaves a moment after its parent
    while (still_running := [pid for pid in workers if os.path.exists(f"/proc/{pid}")]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not still_running, f"worker processes left behind: {still_running}"


def test_a_bad_serve_command_is_one_clear_error_before_any_worker_starts(tmp_path):
    missing = tmp_path / "nope.db"
    result = subprocess.run([sys.executable, "-m", "loader.site.server", "--workers", "2", "serve", "--immutable",
                             str(missing)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert str(missing) in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    unknown = subprocess.run([sys.executable, "-m", "loader.site.server", "serve", "--no-such-flag"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2 and "--no-such-flag" in unknown.stderr and "Traceback" not in unknown.stderr


def test_a_busy_worker_closes_the_connection_after_its_answer_and_an_idle_one_keeps_it():
    """Under load, a kept-alive connection would tie a client to one worker however busy it is."""
    import asyncio

    from loader.site.server import shed_connections_when_busy

    release = asyncio.Event()

    async def page(scope, receive, send):
        if scope["path"] == "/slow":
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    app = shed_connections_when_busy(page)

    async def ask(path):
        started = []

        async def send(message):
            if message["type"] == "http.response.start":
                started.append(dict(message["headers"]))
        await app({"type": "http", "path": path}, None, send)
        return started[0]

    async def scenario():
        alone = await ask("/fast")
        slow = asyncio.create_task(ask("/slow"))
        await asyncio.sleep(0)
        beside_another = await ask("/fast")
        release.set()
        last = await slow
        return alone, beside_another, last

    alone, beside_another, last = asyncio.run(scenario())
    assert b"connection" not in alone
    assert beside_another[b"connection"] == b"close"
    assert b"connection" not in last  # by the time it answered it was the only one


def test_a_site_process_freezes_what_it_holds_for_good_once_after_its_first_request(seed_db):
    """Full garbage collections that walk the whole of Datasette every dozen page loads made the slowest
    loads of a page twice the others: after its first request a process collects once and freezes what
    it holds (gc.freeze), and never again. Run in a process of its own: freezing is for the process."""
    script = (
        "import asyncio, gc, json, sys\n"
        "from datasette.app import Datasette\n"
        "calls, freeze = [], gc.freeze\n"
        "gc.freeze = lambda: (calls.append(1), freeze())[1]\n"
        "async def main():\n"
        "    ds = Datasette(immutables=[sys.argv[1]])\n"
        "    await ds.invoke_startup()\n"
        "    seen = [(len(calls), gc.get_freeze_count())]\n"
        "    for _ in range(3):\n"
        "        assert (await ds.client.get('/events/events')).status_code == 200\n"
        "        seen.append((len(calls), gc.get_freeze_count()))\n"
        "    print(json.dumps(seen))\n"
        "asyncio.run(main())\n")
    result = subprocess.run([sys.executable, "-c", script, str(seed_db)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    before, *after = json.loads(result.stdout.strip().splitlines()[-1])
    assert before == [0, 0]  # nothing frozen while Datasette starts
    assert [calls for calls, _ in after] == [1, 1, 1]  # frozen after the first request, and only then
    assert after[0][1] > 10_000  # Datasette and what it made for its first page
