"""The published site cannot be turned against the data: Datasette configured as `make serve` runs it
(immutable database, metadata.yml, settings.json), driven through its own Python client."""
import asyncio
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from datasette.utils import escape_fts
from markupsafe import escape

from conftest import METADATA, ROOT, SETTINGS, run_build, served_client

PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def get(served):
    """The seed database as `make serve` serves it (immutable, metadata.yml, settings.json)."""
    return served


def test_make_serve_and_these_tests_serve_with_the_same_settings(make_serve, get):
    base, _ = make_serve
    with urllib.request.urlopen(base + "/-/settings.json", timeout=30) as response:
        running = json.load(response)
    assert SETTINGS["sql_time_limit_ms"] > 0 and SETTINGS["facet_time_limit_ms"] > 0
    assert {name: running[name] for name in SETTINGS} == SETTINGS
    assert {name: get.datasette.setting(name) for name in SETTINGS} == SETTINGS


@pytest.mark.parametrize("sql", [
    "insert into events (id, summary, date_method) values ('x', 'y', 'z')",
    "delete from events",
    "update events set summary = 'defaced'",
    "drop table events",
    "attach database ':memory:' as other",
    "pragma writable_schema = 1",
    "select load_extension('/tmp/evil.so')",
    "select 1; drop table events",
    "with doomed as (select id from events) delete from events where id in (select id from doomed)",
    "vacuum into '/tmp/copy.db'",
    "create table extra (x)",
])
def test_sql_that_writes_is_refused_and_the_database_is_unchanged(get, seed_db, sql):
    before = sha256(seed_db)
    count = sqlite3.connect(seed_db).execute("select count(*) from events").fetchone()[0]
    response = get("/events.json?" + urlencode({"sql": sql}))
    assert response.status_code == 400, response.text[:300]
    assert response.json()["ok"] is False
    assert sha256(seed_db) == before
    assert sqlite3.connect(seed_db).execute("select count(*) from events").fetchone()[0] == count


def test_make_serve_serves_the_database_immutable_with_its_inspect_data(make_serve):
    base, db = make_serve
    before = sha256(db)
    with urllib.request.urlopen(base + "/-/databases.json", timeout=30) as response:
        databases = json.load(response)
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("events", False)]
    assert databases[0]["hash"] == before  # the hash of the file, as `datasette inspect` recorded it
    inspected = json.loads((db.parent / "inspect-data.json").read_text(encoding="utf-8"))
    assert inspected["events"]["hash"] == before
    # A write attempt against the running server is refused and leaves the file as it was.
    query = urlencode({"sql": "update events set summary = 'defaced'"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base}/events.json?{query}", timeout=30)
    assert refused.value.code == 400
    assert sha256(db) == before


def test_a_runaway_recursive_query_is_cut_off_by_the_time_limit(get):
    limit = SETTINGS["sql_time_limit_ms"] / 1000
    sql = "with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n"
    started = time.monotonic()
    response = get("/events.json?" + urlencode({"sql": sql}))
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert "took too long" in response.json()["error"]
    assert limit * 0.9 <= elapsed < limit + 5  # stopped by the limit, not by finishing or by luck


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A site built from the seeds plus a document whose title and entry carry a <script> payload."""
    base = tmp_path_factory.mktemp("hostile")
    seeds = base / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "hostile-chronology.txt").write_text(
        "China - Russia\n\nChronology from Jan 2022 to Mar 2022\n\n"
        f"Feb. 4, 2022: Xi and Putin meet in Beijing {PAYLOAD} before the Winter Olympics.\n",
        encoding="utf-8")
    registry = seeds / "sources.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + (
        "\n- id: hostile\n  file: hostile-chronology.txt\n"
        f"  title: \"Hostile {PAYLOAD} title\"\n  format: chronology\n"), encoding="utf-8")
    db = base / "events.db"
    result = run_build(seeds, db)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    event_id = conn.execute("select id from events where summary like '%<script>%'").fetchone()[0]
    return served_client(db), event_id


def hostile_pages(event_id):
    return [
        "/events/events",
        "/events/events?_search=alert",
        f"/events/events/{event_id}",
        "/events/event_sources",
        "/events/event_sources?source_id=hostile",
        "/events/sources/hostile",
        "/events/sources?_search=alert",
        "/events/timeline",
        "/events/timeline?from=2022-02-01&to=2022-02-28",
        "/events/search?q=alert",
        "/events/search?q=script",
        "/events?" + urlencode({"sql": "select summary, description from events where summary like '%alert%'"}),
    ]


def test_a_script_payload_in_a_document_is_escaped_on_every_page_that_shows_it(hostile):
    get, event_id = hostile
    for path in hostile_pages(event_id):
        response = get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert PAYLOAD not in response.text, path
        assert ESCAPED in response.text or "&lt;script&gt;" in response.text, path  # it is shown, escaped


def test_a_script_payload_in_a_request_is_escaped_too(get):
    for path in (
        "/events/events?" + urlencode({"_search": PAYLOAD}),
        "/events/search?" + urlencode({"q": PAYLOAD}),
        "/events/timeline?" + urlencode({"from": PAYLOAD, "to": ""}),
        "/events?" + urlencode({"sql": f"select '{PAYLOAD}' as x"}),
        "/events/events?" + urlencode({"summary__contains": PAYLOAD}),
    ):
        response = get(path)
        assert response.status_code in (200, 400), path
        assert PAYLOAD not in response.text, path
        assert ESCAPED in response.text, path


def test_json_is_served_as_json_so_a_browser_never_runs_it(hostile):
    get, event_id = hostile
    response = get(f"/events/events/{event_id}.json")
    assert response.headers["content-type"].startswith("application/json")
    assert PAYLOAD in json.dumps(response.json())  # the data is kept as written


def rows(get, path, **params):
    data = get(f"{path}.json?" + urlencode({**params, "_shape": "array", "_size": "max"})).json()
    assert isinstance(data, list), data
    return data


def canned(name: str) -> str:
    return METADATA["databases"]["events"]["queries"][name]["sql"]


def bound(conn, name: str, **params) -> list[str]:
    """Ids the canned query returns with `params` bound, run by sqlite3 itself."""
    conn.create_function("escape_fts", 1, escape_fts)
    return [row["id"] for row in conn.execute(canned(name), params)]


def total(conn) -> int:
    return conn.execute("select count(*) from events").fetchone()[0]


INJECTIONS = ["' OR 1=1 --", "x' OR '1'='1", "'; drop table events; --", '" OR ""="', "%' --", "patrol\" OR \"1"]
# FTS5's own syntax typed into the box: operators, a prefix star, a column filter, a bare quote.
FTS_SYNTAX = ["patrol OR Moscow", "patrol OR \"", "Moscow NOT patrol", "patro*", "summary: patrol", "NEAR(patrol Moscow)"]


def having_every_word(conn, q: str) -> set[str]:
    """Ids of the events whose indexed text holds every word of `q` (punctuation ignored), found with a
    MATCH written here, word by word, independently of the canned query."""
    words = re.findall(r"\w+", q)
    if not words:
        return set()
    match = " AND ".join(f'"{word}"' for word in words)
    return {row[0] for row in conn.execute(
        "select events.id from events_fts join events on events.rowid = events_fts.rowid where events_fts match ?",
        (match,))}


@pytest.mark.parametrize("attempt", INJECTIONS + FTS_SYNTAX)
def test_the_search_query_binds_its_parameter(get, conn, attempt):
    # The attempt is search words, nothing more: the events holding all its words, each once.
    served = [row["id"] for row in rows(get, "/events/search", q=attempt)]
    assert len(served) == len(set(served))
    assert set(served) == having_every_word(conn, attempt)
    assert len(served) < total(conn)


def test_search_words_alone_find_their_events(get, conn):
    # The oracle above is not empty-handed: plain words find events, and all of them must occur.
    patrol, moscow = (set(r["id"] for r in rows(get, "/events/search", q=w)) for w in ("patrol", "Moscow"))
    assert patrol and moscow and patrol != moscow
    assert patrol == having_every_word(conn, "patrol") and moscow == having_every_word(conn, "Moscow")
    both = {r["id"] for r in rows(get, "/events/search", q="Moscow, patrol!")}
    assert both == patrol & moscow == having_every_word(conn, "Moscow patrol")


@pytest.mark.parametrize("attempt", ["2099-01-01' OR '1'='1", "2099' OR 1=1 OR '", "2099' OR ''='"])
def test_the_timeline_query_binds_its_parameters(get, conn, attempt):
    # Pasted into the SQL, the attempt would return every event ...
    pasted = canned("timeline").replace(":from", f"'{attempt}'").replace(":to", "''")
    assert len(conn.execute(pasted).fetchall()) == total(conn)
    # ... bound, it is a string compared with dates: only events that may reach past 2099 (none).
    served = [row["id"] for row in rows(get, "/events/timeline", **{"from": attempt, "to": ""})]
    assert served == bound(conn, "timeline", **{"from": attempt, "to": ""}) == []
    to = attempt.replace("2099", "0000")
    served = [row["id"] for row in rows(get, "/events/timeline", **{"from": "", "to": to})]
    assert served == bound(conn, "timeline", **{"from": "", "to": to}) == []


def test_a_post_to_a_canned_query_or_table_changes_nothing(get, seed_db):
    # Neither canned query is writable. Datasette 0.65.5 answers such a POST with a 500 of its own
    # (see docs/RELIABILITY.md); what matters here is that it is not accepted and nothing changes.
    datasette = get.datasette
    before = sha256(seed_db)
    for path, form in (("/events/search", {"q": "x"}), ("/events/timeline", {"from": "", "to": ""}),
                       ("/events/events", {"summary": "defaced"})):
        response = asyncio.run(datasette.client.post(path, data=form))
        assert response.status_code >= 400, path
    assert sha256(seed_db) == before


def test_quote_in_a_table_filter_is_a_value_not_sql(get, conn):
    total = conn.execute("select count(*) from events").fetchone()[0]
    assert rows(get, "/events/events", **{"summary__contains": "' OR 1=1 --"}) == []
    assert len(rows(get, "/events/events", **{"category": "military' OR '1'='1"})) == 0
    assert len(rows(get, "/events/events", _where="1=1")) == total  # _where is read-only SQL: same rows, no harm
    assert get("/events/events.json?" + urlencode({"_where": "1=1); drop table events; --"})).status_code == 400


# --- Hostile text through the site's own plugin and event page template ------------------------------
# The database is built with metadata.yml beside the seeds, as the project builds it, so the build embeds
# it and the site's plugin (loader/site) serves the event page template. Each place the data reaches the
# page carries its own payload, numbered, so a failure names the element that let markup through.

QUOTED = "<script>alert(1)</script> the joint statement speaks for itself"
HOSTILE_ARTICLE = (
    "February 7, 2022 Wire digest\n\n"
    f'On February 4, 2022, at Diaoyutai, Sergey Lavrov says, "{QUOTED}", as Vladimir Putin and Xi Jinping '
    "agree on a joint statement before the Winter Olympics open, the Hostile Agency <img src=x onerror=alert(2)> "
    "reports.\n")
HOSTILE = {
    "title": "Digest <script>alert(3)</script> of the week",
    "publisher": "Wire <script>alert(4)</script> Service",
    "rights": "Rights <script>alert(5)</script> reserved",
    "url": 'https://example.org/digest?a=1&b="><script>alert(9)</script>',
    "actor": "Hostile Agency <script>alert(6)</script>",
    "place": "Diaoyutai <script>alert(7)</script> Guesthouse",
    "place_evidence": "Evidence <script>alert(8)</script> for the test",
}


class Injected(HTMLParser):
    """What a browser would run or load from the page: scripts, event-handler attributes, tags the data
    could only have put there (img, svg) and javascript: links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        self.in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("img", "svg", "iframe", "object", "embed"):
            self.found.append(f"<{tag} {attrs!r}>")

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script and "alert(" in data:
            self.found.append(f"<script>{data[:80]}")


def injected(html: str) -> list[str]:
    parser = Injected()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile-site")
    seeds, curated = base / "seeds", base / "curated"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copytree(ROOT / "curated", curated)
    shutil.copy(ROOT / "metadata.yml", base / "metadata.yml")  # beside seeds/, as in the project
    (seeds / "hostile-digest.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    quote = json.dumps  # a JSON string is a YAML double-quoted scalar
    with open(seeds / "sources.yml", "a", encoding="utf-8") as registry:
        registry.write(f"\n- id: hostile-digest\n  file: hostile-digest.txt\n  title: {quote(HOSTILE['title'])}\n"
                       f"  publisher: {quote(HOSTILE['publisher'])}\n  url: {quote(HOSTILE['url'])}\n"
                       f"  published: 2022-02-07\n  format: article\n  rights: {quote(HOSTILE['rights'])}\n")
    with open(curated / "actors.yml", "a", encoding="utf-8") as actors:
        actors.write(f"\n- id: hostile-agency\n  name: {quote(HOSTILE['actor'])}\n  type: media\n  country: null\n"
                     "  aliases: [Hostile Agency]\n  wikidata: null\n")
    with open(curated / "places.yml", "a", encoding="utf-8") as places:
        places.write(f"\n- id: diaoyutai\n  name: {quote(HOSTILE['place'])}\n  country: China\n  latitude: 39.92\n"
                     f"  longitude: 116.31\n  precision: site\n  aliases: [Diaoyutai]\n"
                     f"  evidence: {quote(HOSTILE['place_evidence'])}\n")
    db = base / "events.db"
    result = run_build(seeds, db, curated=curated)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    assert conn.execute("select count(*) from _metadata").fetchone()[0] == 1  # the plugin will act on it
    report = conn.execute("select * from event_sources where source_id = 'hostile-digest'").fetchone()
    event = conn.execute("select * from events where id = ?", (report["event_id"],)).fetchone()
    statement = conn.execute("select * from statements where source_id = 'hostile-digest'").fetchone()
    popup = conn.execute("select * from event_map where event_id = ?", (event["id"],)).fetchone()
    conn.close()
    # Datasette as `make serve` runs it: the immutable file, the project's plugins (entry points) and
    # metadata.yml given on the command line.
    return served_client(db), dict(event), dict(report), dict(statement), dict(popup)


def test_the_hostile_document_reaches_every_element_it_should(hostile_site):
    _, event, report, statement, popup = hostile_site
    assert statement["text"] == QUOTED and statement["speaker_id"] == "sergey-lavrov"
    assert statement["event_id"] == event["id"]
    assert "<script>alert(1)</script>" in event["summary"] and "alert(2)" in report["excerpt"]
    assert popup["place"] == HOSTILE["place"]


def test_hostile_text_is_shown_escaped_in_every_element_of_the_event_page(hostile_site):
    get, event, report, statement, _ = hostile_site
    response = get(f"/events/events/{event['id']}")
    assert response.status_code == 200
    html = response.text
    assert 'class="event-facts"' in html and 'class="event-report"' in html  # the site's template, not row.html
    shown = {
        "title": f"<title>{escape(event['summary'])}</title>",
        "heading": f"{escape(event['summary'])}</h1>",
        "excerpt": f'<blockquote class="excerpt">{escape(report["excerpt"])}</blockquote>',
        "source title": f">{escape(HOSTILE['title'])}</a></h3>",
        "publisher": f'<p class="meta">{escape(HOSTILE["publisher"])} · 2022-02-07',
        "rights": f'<p class="rights">{escape(HOSTILE["rights"])}</p>',
        "url": f'<a href="{escape(HOSTILE["url"])}" rel="nofollow">',
        "actor": f'<a href="/events/actors/hostile-agency">{escape(HOSTILE["actor"])}</a>',
        "place": f'<a href="/events/places/diaoyutai">{escape(HOSTILE["place"])}</a>',
        "statement": f": “{escape(statement['text'])}”",
    }
    for element, expected in shown.items():
        assert expected in html, f"{element}: not shown escaped on the event page"
    assert injected(html) == []


def test_hostile_text_is_escaped_on_the_statement_source_actor_and_place_pages(hostile_site):
    get, event, report, statement, _ = hostile_site
    for path, values in (
        (f"/events/statements/{statement['id']}", [statement["text"]]),
        ("/events/sources/hostile-digest", [HOSTILE["title"], HOSTILE["publisher"], HOSTILE["rights"]]),
        ("/events/actors/hostile-agency", [HOSTILE["actor"]]),
        ("/events/places/diaoyutai", [HOSTILE["place"], HOSTILE["place_evidence"]]),
        ("/events/statements?" + urlencode({"source_id": "hostile-digest"}), [statement["text"]]),
        ("/events/search_statements?q=statement+speaks", []),
        ("/events/event_places?place_id=diaoyutai", []),
    ):
        response = get(path)
        assert response.status_code == 200, path
        for value in values:
            assert str(escape(value)) in response.text, (path, value)
        assert injected(response.text) == [], path


def test_the_map_is_fed_hostile_text_as_data_and_shows_it_escaped(hostile_site):
    get, event, _, _, _ = hostile_site
    page = get("/events/event_map")
    assert page.status_code == 200 and "datasette-cluster-map.js" in page.text
    assert injected(page.text) == []
    # What datasette-cluster-map fetches (its own query string) and turns into popups.
    fed = get("/events/event_map.json?_size=max&_labels=on&_extra=count&_extra=next_url&_shape=objects")
    assert fed.headers["content-type"].startswith("application/json")
    row = next(row for row in fed.json()["rows"] if row["event_id"] == event["id"])
    popup = json.loads(row["popup"])
    assert popup == {"title": f"{HOSTILE['place']} · 2022-02-04", "description": event["summary"],
                     "link": f"events/{event['id']}"}  # plain text, kept as written; a relative link
    html = cluster_map_popup(row)
    if html is None:
        pytest.skip("node is not installed: the popup HTML is checked where it is (the JSON above was)")
    assert injected(html) == [], html
    assert str(escape(event["summary"])).replace("&#34;", "&quot;").replace("&#39;", "&#039;") in html
    assert html.startswith(f'<a href="events/{event["id"]}">')


def cluster_map_popup(row: dict):
    """The popup HTML datasette-cluster-map builds for `row`, by its own JavaScript (run by node)."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        return None
    import datasette_cluster_map
    script = Path(datasette_cluster_map.__file__).parent / "static" / "datasette-cluster-map.js"
    harness = (
        "const fs = require('fs'), vm = require('vm');"
        "const context = vm.createContext({document: {addEventListener() {}}, window: {}});"
        f"vm.runInContext(fs.readFileSync({json.dumps(str(script))}, 'utf8')"
        " + '\\n;globalThis.popupFor = clusterMapMarkerContent;', context);"
        "process.stdout.write(context.popupFor(JSON.parse(fs.readFileSync(0, 'utf8'))));")
    result = subprocess.run([node, "-e", harness], input=json.dumps(row), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- round two (issue 15) -------------------------------------------------------------------------------

def sql_json(get, sql):
    return get("/events.json?" + urlencode({"sql": sql}))


@pytest.mark.parametrize("path", [
    "/events/search.json?" + urlencode({"q": "Putin " * 5000}),  # the canned search, 30 KB of terms
    "/events/events.json?" + urlencode({"_search": "Putin " * 5000}),  # the table's search box
    "/events.json?" + urlencode({"sql": "select snippet(events_fts, -1, '[', ']', '…', 24) from events_fts "
                                        "where events_fts match :q", "q": "Putin " * 5000}),  # a named parameter
])
def test_a_runaway_search_is_refused_before_it_reaches_snippet(get, path):
    """snippet() is one uninterruptible step whose work grows with the square of the terms (the time limit
    never fires inside it): the site refuses a query-string value longer than its limit instead."""
    response = get(path)
    assert response.status_code == 400
    assert "accepts at most 1000" in response.json()["error"]


@pytest.mark.parametrize("path", [
    "/events/search.json?" + urlencode({"q": "the " * 250}),  # 1,000 characters, but 250 words
    "/events/events.json?" + urlencode({"_search": "a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a"}),
    "/events.json?" + urlencode({"sql": "select snippet(sources_fts, -1, '[', ']', '…', 64) from sources_fts "
                                        "where sources_fts match :q", "q": "the " * 50}),  # 2.2 s, uninterruptible
])
def test_a_search_of_many_words_is_refused(get, path):
    response = get(path)
    assert response.status_code == 400
    assert "accepts at most 32 in a search" in response.json()["error"]


def test_an_ordinary_search_still_answers(get):
    response = get("/events/search.json?" + urlencode({"q": "Putin " * 32, "_shape": "array"}))
    assert response.status_code == 200 and response.json()


@pytest.mark.parametrize("sql", [
    "select length(hex(zeroblob(400000000)))",
    "select length(zeroblob(20000000))",
    "select length(replace(hex(zeroblob(4000000)), '0', '00'))",  # 8 MB, then 16 MB
])
def test_one_query_cannot_make_a_huge_string_or_blob(get, sql):
    response = sql_json(get, sql)
    assert response.status_code == 400 and "too big" in response.json()["error"]


def test_ordinary_values_are_well_within_the_length_limit(get):
    response = get("/events.json?" + urlencode({"sql": "select max(length(text)) as n from sources", "_shape": "array"}))
    assert 0 < response.json()[0]["n"] < 10_000_000 // 10


@pytest.mark.parametrize("sql", [
    "select hex(fts3_tokenizer('simple'))",
    "select fts3_tokenizer('mine', x'0000000000000000')",
    "select * from (select FTS3_TOKENIZER('porter'))",
])
def test_the_fts3_tokenizer_function_is_out_of_reach(get, sql):
    response = sql_json(get, sql)
    assert response.status_code == 400
    assert "not authorized to use function" in response.json()["error"]


@pytest.fixture(scope="module")
def oddities(tmp_path_factory):
    """A document with literal **asterisks** and a source id with `?`, `#`, `/` and a space."""
    base = tmp_path_factory.mktemp("odd")
    seeds = base / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copyfile(ROOT / "metadata.yml", base / "metadata.yml")  # embedded: the site's plugin acts on the database
    (seeds / "odd-chronology.txt").write_text(
        "China - Russia\n\nChronology from Jan 2022 to Mar 2022\n\n"
        "Feb. 4, 2022: Xi and Putin meet in Beijing; a **Zanzibar** note and a \\ backslash.\n\n"
        "Feb. 9, 2022: The Zanzibar envoy arrives in Harbin.\n", encoding="utf-8")
    registry = seeds / "sources.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + (
        "\n- id: \"odd id/?#x\"\n  file: odd-chronology.txt\n  title: Odd\n  format: chronology\n"), encoding="utf-8")
    db = base / "events.db"
    result = run_build(seeds, db)
    assert result.exit_code == 0, result.output
    event_id = sqlite3.connect(db).execute("select id from events where summary like '%**Zanzibar**%'").fetchone()[0]
    return served_client(db), event_id


def test_literal_asterisks_in_a_document_are_not_highlighted(oddities):
    get, _ = oddities
    rows = get("/events/search.json?" + urlencode({"q": "harbin", "_shape": "array"})).json()
    assert [r["snippet"] for r in rows] == ["The Zanzibar envoy arrives in **Harbin**."]
    rows = get("/events/search.json?" + urlencode({"q": "beijing", "_shape": "array"})).json()
    assert rows[0]["snippet"].endswith("**Beijing**; a \\*\\*Zanzibar\\*\\* note and a \\\\ backslash.")
    page = get("/events/search?" + urlencode({"q": "beijing"})).text
    assert "<mark>Beijing</mark>; a **Zanzibar** note and a \\ backslash." in page
    assert "<mark>Zanzibar</mark>" not in page


def test_event_page_links_to_a_source_whatever_its_id(oddities):
    get, event_id = oddities
    page = get(f"/events/events/{event_id}").text
    links = re.findall(r'<h3><a href="([^"]+)">Odd</a></h3>', page)
    assert len(links) == 1 and "?" not in links[0] and "#" not in links[0] and " " not in links[0]
    source = get(links[0] + ".json?_shape=array")
    assert source.status_code == 200 and source.json()[0]["id"] == "odd id/?#x"
