"""Real-browser tests: headless Debian Chromium against the site `make serve` runs on 127.0.0.1.

Chromium is the system's (`apt-get install chromium`; .ci/run installs it when missing): these tests
never download a browser. Without it they are skipped with that reason, unless REQUIRE_BROWSER=1 (as
.ci/run sets), when they fail instead. The browser may reach 127.0.0.1 only (map tiles stay blank).
Screenshots go to test-artifacts/ (ignored by git).
"""
import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import ROOT, SETTINGS
from test_site import EMPTY_ON_SEEDS, QUERIES, TABLES, query_url

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
CHART = "/events/events_per_month#" + QUERIES["events_per_month"]["fragment"]
SCREEN = (1400, 1000)  # the reader's window: the events table must open on events and stay short

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("REQUIRE_BROWSER") != "1",
    reason="chromium is not installed: apt-get install chromium (.ci/run installs it and requires these tests)",
)


@pytest.fixture(scope="module")
def site(make_serve):
    """`make serve` (immutable, inspect file, metadata.yml, settings.json) on a free port."""
    assert CHROMIUM, "REQUIRE_BROWSER=1 but chromium is not installed"
    base, db = make_serve
    assert (db.parent / "inspect-data.json").exists()  # made beside the database
    return base


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


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe): fd 3
    carries commands to it, fd 4 its answers, each a JSON message ended by a NUL byte."""

    def __init__(self, width=1400, height=1000):
        self.profile = tempfile.TemporaryDirectory()
        to_read, self.to_browser = os.pipe()
        self.from_browser, to_write = os.pipe()
        # The child's ends are moved above 9 first, so that putting them at 3 and 4 replaces neither.
        to_read, to_write = (self._high(fd) for fd in (to_read, to_write))
        self.process = subprocess.Popen(
            [CHROMIUM,
             "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", f"--user-data-dir={self.profile.name}",
             "--hide-scrollbars", f"--window-size={width},{height}", "--remote-debugging-pipe", "about:blank"],
            preexec_fn=lambda: (os.dup2(to_read, 3), os.dup2(to_write, 4)), pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_read)
        os.close(to_write)
        self.buffer, self.next_id, self.events = b"", 0, []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        self.call("Page.enable", session=True)

    @staticmethod
    def _high(fd: int) -> int:
        moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
        os.close(fd)
        return moved

    def _message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_browser], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, session=False, timeout=60, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]
            self.events.append(answer)

    def wait_for(self, event, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.events):
                if message.get("method") == event:
                    del self.events[: index + 1]
                    return message
            self.events.append(self._message(deadline))

    def open(self, url):
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")
        time.sleep(0.5)  # scripts run on load (the column list folds away)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def screenshot(self, path, full_page=False):
        params = {"format": "png"}
        if full_page:
            width, height = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})
        data = self.call("Page.captureScreenshot", session=True, **params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)
        self.profile.cleanup()


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module, its window the size of a laptop screen: 1400×1000."""
    chrome = Browser(*SCREEN)
    yield chrome
    chrome.close()


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


def test_the_home_page_and_the_events_table_open_on_what_matters(site, browser):
    home = page(site + "/", "home")
    for text in ("Chart: events per month", "Map of events", "Everything Sergey Lavrov did", "Search events"):
        assert text in home
    table = page(site + "/events/events", "events-table")
    assert '<details class="column-descriptions-folded">' in table  # the column list folded away
    for column in TABLES["events"]["facets"]:  # the few a reader uses first ...
        assert f'id="facet-{column}"' in table, column
    assert set(TABLES["events"]["facets"]) == {"cameo_root", "month", "first_source"}
    for column in ("format", "forum", "category", "source_count", "place_count", "date_precision", "date_method"):
        assert f'href="?_facet={column}"' in table, column  # ... the rest one click away
        browser.open(site + f"/events/events?_facet={column}")
        assert browser.evaluate(f"document.getElementById('facet-{column}') !== null"), column


MEASURE_TABLE = """(() => {
  const rows = [...document.querySelectorAll("table.rows-and-columns tbody tr")];
  const first = rows[0].getBoundingClientRect();
  const table = document.querySelector("table.rows-and-columns").getBoundingClientRect();
  return {rows: rows.length, first_row_top: first.top, first_row_bottom: first.bottom,
          page_height: document.documentElement.scrollHeight, table_right: table.right,
          viewport: [innerWidth, innerHeight],
          columns: [...document.querySelectorAll("table.rows-and-columns thead th")].map(th => th.dataset.column)};
})()"""


def measured(name: str, figures: dict) -> None:
    """Keep what the browser measured beside the screenshots (test-artifacts/measures.json)."""
    path = ARTIFACTS / "measures.json"
    ARTIFACTS.mkdir(exist_ok=True)
    found = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    found[name] = figures
    path.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def columns_of(conn, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"pragma table_info([{table}])")]


def test_the_events_table_opens_on_its_first_row_and_100_rows_fit_in_8000_px(site, browser, conn):
    browser.open(site + "/events/events")
    figures = browser.evaluate(MEASURE_TABLE)
    measured("events-table", figures)
    browser.screenshot(ARTIFACTS / "events-table-first-screen.png")
    browser.screenshot(ARTIFACTS / "events-table-100-rows.png", full_page=True)
    assert figures["viewport"] == list(SCREEN)
    assert figures["rows"] == 100  # Datasette's page
    assert figures["first_row_bottom"] <= SCREEN[1], figures  # the whole first row on the first screen
    assert figures["page_height"] < 8000, figures
    assert figures["table_right"] <= SCREEN[0], figures  # every compact column visible, no sideways scroll
    assert figures["columns"] == [c for c in columns_of(conn, "events") if c in TABLES["events"]["compact_columns"]]


def test_every_column_is_one_click_away_and_whole_on_the_event_page(site, browser, conn):
    browser.open(site + "/events/events?_columns=all")
    figures = browser.evaluate(MEASURE_TABLE)
    measured("events-table-all-columns", figures)
    browser.screenshot(ARTIFACTS / "events-table-all-columns.png")
    assert figures["columns"] == columns_of(conn, "events")
    longest = conn.execute("select id, date_evidence from events order by length(date_evidence) desc").fetchone()
    assert len(longest["date_evidence"]) > SETTINGS["truncate_cells_html"]
    cells = browser.evaluate("""[...document.querySelectorAll("td.col-date_evidence")].map(td => td.textContent)""")
    assert max(len(c) for c in cells) == SETTINGS["truncate_cells_html"] + 1  # cut short in the list, with "…"
    browser.open(site + f"/events/events/{longest['id']}")
    text = browser.evaluate("document.body.innerText")
    assert longest["date_evidence"] in text  # whole on the event page


def test_every_page_title_says_what_the_page_is(site, browser, conn):
    titles = {}
    for name, query in QUERIES.items():
        browser.open(site + query_url(name, "html").replace(".html?", "?"))
        titles[name] = browser.evaluate("document.title")
        assert titles[name] == f"{query['title']} · events", name
        assert "select" not in titles[name].lower()
    event = conn.execute("select id, summary from events where summary_method = 'derived' order by id").fetchone()
    pages = {
        "/events/events": f"events: {conn.execute('select count(*) from events').fetchone()[0]} rows sorted by date_earliest · events",
        f"/events/events/{event['id']}": event["summary"],
        "/events/actors/vladimir-putin": "Vladimir Putin · actors",
        "/events": "events: tables, views and queries",
    }
    for path, title in pages.items():
        browser.open(site + path)
        titles[path] = browser.evaluate("document.title")
        assert titles[path] == title
    measured("titles", titles)


OPENS_BADLY = re.compile(r"""^(?:["'“”‘’«»]|(?:and|but|or|nor|yet)\b)""", re.IGNORECASE)


def test_no_summary_on_the_site_opens_with_a_conjunction_or_a_stray_quotation_mark(site, browser, conn):
    browser.open(site + "/events/events?_size=max")
    summaries = browser.evaluate("""[...document.querySelectorAll("td.col-summary")].map(td => td.textContent.trim())""")
    assert len(summaries) == conn.execute("select count(*) from events").fetchone()[0]
    assert [s for s in summaries if OPENS_BADLY.match(s)] == []
    browser.open(site + "/events/events/" + browser.evaluate(
        """[...document.querySelectorAll("td.col-summary")].find(td => td.textContent.includes("one-day visit to Delhi"))
           .parentNode.querySelector("td.col-id a").textContent"""))
    browser.screenshot(ARTIFACTS / "event-page-derived-summary.png")
    assert browser.evaluate("document.querySelector('h1').textContent") == "The Russian president made a one-day visit to Delhi on December 6."
    assert "and on December 6 made a one-day visit to Delhi." in browser.evaluate("document.body.innerText")  # the excerpt, verbatim


@pytest.mark.parametrize("name", list(QUERIES))
def test_every_canned_query_answers_ok_with_rows_as_served(site, name):
    with urllib.request.urlopen(site + query_url(name, _shape="objects")) as response:
        data = json.load(response)
    assert data["ok"] is True
    assert data["rows"] or name in EMPTY_ON_SEEDS
    with urllib.request.urlopen(site + query_url(name, "csv")) as response:
        assert response.status == 200 and response.read().decode("utf-8").splitlines()[0]
