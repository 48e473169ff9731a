"""Real-browser tests: headless Debian Chromium against the site `make serve` runs on 127.0.0.1.

Chromium is the system's (`apt-get install chromium`; .ci/run installs it when missing): these tests
never download a browser. Without it they are skipped with that reason, unless REQUIRE_BROWSER=1 (as
.ci/run sets), when they fail instead. The browser may reach 127.0.0.1 only (map tiles stay blank).
Screenshots go to test-artifacts/ (ignored by git).
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import ROOT
from test_site import EMPTY_ON_SEEDS, QUERIES, query_url

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
CHART = "/events/events_per_month#" + QUERIES["events_per_month"]["fragment"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("REQUIRE_BROWSER") != "1",
    reason="chromium is not installed: apt-get install chromium (.ci/run installs it and requires these tests)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(seed_db, tmp_path_factory):
    """`make serve` (immutable, inspect file, metadata.yml, settings.json) on a free port."""
    assert CHROMIUM, "REQUIRE_BROWSER=1 but chromium is not installed"
    folder = tmp_path_factory.mktemp("site")
    db = folder / "events.db"
    shutil.copy(seed_db, db)
    port = free_port()
    log = open(folder / "serve.log", "w")
    server = subprocess.Popen(["make", "--no-print-directory", "serve", f"DB={db}", f"PORT={port}"], cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(f"make serve exited with {server.returncode}:\n" + (folder / "serve.log").read_text())
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("make serve did not answer:\n" + (folder / "serve.log").read_text())
                time.sleep(0.3)
        assert (folder / "inspect-data.json").exists()  # made beside the database
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make and the datasette it started: this group only
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def chromium(url: str, *args: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", f"--user-data-dir={profile}",
             "--virtual-time-budget=15000", "--window-size=1280,2000", *args, url],
            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def page(url: str, name: str) -> str:
    """The DOM after the page's scripts ran, and a screenshot kept as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    chromium(url, f"--screenshot={ARTIFACTS / (name + '.png')}")
    dom = chromium(url, "--dump-dom")
    (ARTIFACTS / (name + ".html")).write_text(dom, encoding="utf-8")
    return dom


def test_the_chart_preset_renders_a_stacked_bar_chart(site):
    dom = page(site + CHART, "chart-events-per-month")
    assert 'class="vega-embed' in dom
    canvas = re.search(r'<canvas[^>]*width="(\d+)"[^>]*height="(\d+)"[^>]*class="marks"', dom)
    assert canvas and int(canvas.group(1)) > 300 and int(canvas.group(2)) > 100, "no Vega canvas drawn"
    # datasette-vega writes the state it drew into the page's query form: the preset was applied.
    state = re.search(r'<form[^>]*action="[^"]*events_per_month#([^"]+)"', dom)
    assert state, "datasette-vega did not draw from the preset"
    drawn = dict(item.split("=", 1) for item in state.group(1).replace("&amp;", "&").split("&"))
    assert drawn["g.mark"] == "bar" and drawn["g.color_column"] == "certainty"
    assert (drawn["g.x_column"], drawn["g.y_column"]) == ("month", "events")


def test_the_map_renders_a_marker_for_every_event_place(site):
    dom = page(site + "/events/event_map", "map")
    assert "leaflet-container" in dom
    clusters = [int(n) for n in re.findall(r'class="leaflet-marker-icon marker-cluster[^"]*"[^>]*>\s*<div>\s*<span>(\d+)</span>', dom)]
    singles = len(re.findall(r'<img[^>]*class="leaflet-marker-icon(?! marker-cluster)', dom))
    with urllib.request.urlopen(site + "/events/event_map.json?_size=max") as response:
        rows = json.load(response)["filtered_table_rows_count"]
    assert singles + sum(clusters) == rows > 20


def test_search_shows_highlighted_snippets(site):
    dom = page(site + "/events/search?q=patrol", "search-patrol")
    assert dom.count("<mark>patrol</mark>") >= 2
    assert "**patrol**" not in dom


def test_the_event_page_shows_every_report_side_by_side(site):
    dom = page(site + "/events/events/ea49ad72ebaa", "event-page")
    reports = re.findall(r'<div class="event-report">.*?<blockquote class="excerpt">(.+?)</blockquote>', dom, re.S)
    assert len(reports) == 3 and len(set(reports)) == 3
    assert "Putin holds talks, via videoconference, with Xi Jinping." in reports[0]


def test_the_home_page_and_the_events_table_open_on_what_matters(site):
    home = page(site + "/", "home")
    for text in ("Chart: events per month", "Map of events", "Everything Sergey Lavrov did", "Search events"):
        assert text in home
    table = page(site + "/events/events", "events-table")
    assert '<details class="column-descriptions-folded">' in table  # the column list folded away
    for column in ("cameo_root", "format", "forum", "category", "first_source", "month", "place_count"):
        assert f'id="facet-{column}"' in table, column


@pytest.mark.parametrize("name", list(QUERIES))
def test_every_canned_query_answers_ok_with_rows_as_served(site, name):
    with urllib.request.urlopen(site + query_url(name, _shape="objects")) as response:
        data = json.load(response)
    assert data["ok"] is True
    assert data["rows"] or name in EMPTY_ON_SEEDS
    with urllib.request.urlopen(site + query_url(name, "csv")) as response:
        assert response.status == 200 and response.read().decode("utf-8").splitlines()[0]
