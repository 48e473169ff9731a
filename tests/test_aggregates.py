"""Aggregates made at build time (loader/aggregates.py): each canned query that used to aggregate over
whole tables on every request now reads a table the build wrote, and returns exactly what the
whole-table SQL returned. That SQL is kept below as the specification and run against the same seed
database, through the same site, with the same parameters."""
from contextlib import closing
import urllib.parse

import pytest
from conftest import METADATA

# The canned queries as they were before the aggregates, verbatim: what each must still return.
WHOLE_TABLE_SQL = {
    "who_meets_whom": r"""
        select
          a1.name as actor_1, a2.name as actor_2, count(*) as events,
          x.actor_id as actor_1_id, y.actor_id as actor_2_id
        from event_actors x
        join event_actors y on y.event_id = x.event_id and y.actor_id > x.actor_id
        join actors a1 on a1.id = x.actor_id
        join actors a2 on a2.id = y.actor_id
        where x.role not in ('mentioned', 'location') and y.role not in ('mentioned', 'location')
          and (:type = '' or (x.actor_type = :type and y.actor_type = :type))
        group by x.actor_id, y.actor_id
        order by events desc, actor_1, actor_2
        limit 500
    """,
    "events_per_month": r"""
        with recursive spans as (
          select coalesce(category, 'not given') as category, month,
            substr(date_earliest, 1, 7) as first_month,
            substr(max(date_latest, coalesce(date_end, date_latest)), 1, 7) as last_month
          from events
        ),
        months(month) as (
          select min(first_month) from spans
          union all
          select strftime('%Y-%m', month || '-01', '+1 month') from months
          where month < (select max(last_month) from spans)
        ),
        categories(category) as (select distinct category from spans),
        certain as (select month, category, count(*) as n from spans where month is not null group by month, category),
        overlapping as (
          select months.month, spans.category, count(*) as n
          from months join spans on spans.month is null and spans.first_month <= months.month and spans.last_month >= months.month
          group by months.month, spans.category
        )
        select month, category, 'certainly in the month' as certainty, n as events from certain
        union all  -- a month with no certain event shows as 0, so the chart hides no gap
        select month, (select min(category) from categories), 'certainly in the month', 0 from months
        where month not in (select month from certain)
        union all
        select month, category, 'bounds overlap the month', n from overlapping
        union all
        select 'no single month', category, 'no single month', count(*) from spans where month is null group by category
        order by 1, 2, 3
    """,
    "events_per_month_by_kind": r"""
        with recursive spans as (
          select coalesce(events.cameo_root || ' ' || cameo_roots.label, 'not classified') as kind, events.month,
            substr(events.date_earliest, 1, 7) as first_month,
            substr(max(events.date_latest, coalesce(events.date_end, events.date_latest)), 1, 7) as last_month
          from events left join cameo_roots on cameo_roots.code = events.cameo_root
        ),
        months(month) as (
          select min(first_month) from spans
          union all
          select strftime('%Y-%m', month || '-01', '+1 month') from months
          where month < (select max(last_month) from spans)
        ),
        kinds(kind) as (select distinct kind from spans),
        certain as (select month, kind, count(*) as n from spans where month is not null group by month, kind),
        overlapping as (
          select months.month, spans.kind, count(*) as n
          from months join spans on spans.month is null and spans.first_month <= months.month and spans.last_month >= months.month
          group by months.month, spans.kind
        )
        select month, kind, 'certainly in the month' as certainty, n as events from certain
        union all  -- a month with no certain event shows as 0, so the chart hides no gap
        select month, (select min(kind) from kinds), 'certainly in the month', 0 from months
        where month not in (select month from certain)
        union all
        select month, kind, 'bounds overlap the month', n from overlapping
        union all
        select 'no single month', kind, 'no single month', count(*) from spans where month is null group by kind
        order by 1, 2, 3
    """,
    "corroborated_events": r"""
        select
          events.id, events.date_earliest, events.date_latest, events.summary, events.source_count,
          group_concat(event_sources.source_id || ' #' || event_sources.position || ': ' || event_sources.excerpt, '  |  ') as reports
        from events
        join event_sources on event_sources.event_id = events.id
        where events.source_count >= 2
        group by events.id
        order by events.date_earliest, events.id
    """,
    # The events with date_conflict = 1, one row per report. (Its first form found the events by a rule
    # of its own over event_sources.own_*, which misses a disagreement the reports' own bounds do not
    # show: tests/test_disagreements.py. The table date_disagreements is now read from the column.)
    "sources_that_disagree": r"""
        select
          events.id, events.summary, events.date_earliest, events.date_latest, events.date_conflict,
          es.source_id, es.position, es.own_earliest, es.own_latest, es.own_end, es.own_method,
          es.own_role, es.reported_date, es.reported_earliest, es.reported_latest, es.own_evidence,
          es.excerpt
        from events
        join event_sources es on es.event_id = events.id
        where events.date_conflict = 1
        order by events.date_earliest, events.id, es.source_id, es.position
    """,
    # Both sorted every event (events_between by the certainty it computes): now they read the index on
    # (date_earliest, date_latest, first_source, first_position, date_last) from where the period can start.
    "timeline": r"""
        select
          id, date_earliest, date_latest, date_precision, date_method, category, summary, source_count,
          cameo_root, format, forum
        from events
        where (:from = '' or coalesce(date_latest, '9999-12-31') >= :from)
          and (:to = '' or coalesce(date_earliest, '0000-01-01') <= :to)
        order by date_earliest, date_latest, first_source, first_position
    """,
    "events_between": r"""
        select
          case
            when (:from = '' or coalesce(date_earliest, '0000-01-01') >= :from)
             and (:to = '' or coalesce(max(date_latest, coalesce(date_end, date_latest)), '9999-12-31') <= :to)
            then 'certainly in'
            else 'possibly in'
          end as certainty,
          id, date_earliest, date_latest, date_end, date_precision, date_method, date_conflict,
          category, summary, source_count
        from events
        where (:from = '' or coalesce(max(date_latest, coalesce(date_end, date_latest)), '9999-12-31') >= :from)
          and (:to = '' or coalesce(date_earliest, '0000-01-01') <= :to)
        order by certainty, date_earliest, date_latest, first_source, first_position
    """,
    "actor_events": r"""
        select
          e.date_earliest, e.date_latest, e.summary, ea.role, ea.matched_text, ea.link_method,
          e.id as event_id, a.id as actor_id, a.name as actor
        from actors a
        join event_actors ea on ea.actor_id = a.id
        join events e on e.id = ea.event_id
        where a.id = lower(:actor)
           or a.name = :actor collate nocase
           or exists (select 1 from json_each(a.aliases) where json_each.value = :actor collate nocase)
        order by e.date_earliest, e.date_latest, e.first_source, e.first_position
    """,
    "search": r"""
        select
          events.id, events.date_earliest, events.date_latest,
          replace(replace(replace(replace(snippet(events_fts, -1, char(2), char(3), '…', 24), '\', '\\'), '*', '\*'), char(2), '**'), char(3), '**') as snippet,
          events.summary
        from events_fts
        join events on events.rowid = events_fts.rowid
        where events_fts match coalesce(nullif(escape_fts(:q), ''), '""')
        order by rank
        limit 200
    """,
}

CASES = [
    ("who_meets_whom", {"type": ""}),
    ("who_meets_whom", {"type": "person"}),
    ("who_meets_whom", {"type": "state"}),
    ("who_meets_whom", {"type": "organization"}),
    ("who_meets_whom", {"type": "nothing"}),
    ("events_per_month", {}),
    ("events_per_month_by_kind", {}),
    ("corroborated_events", {}),
    ("sources_that_disagree", {}),
    ("actor_events", {"actor": "Lavrov"}),
    ("actor_events", {"actor": "sergey-lavrov"}),
    ("actor_events", {"actor": "Shoygu"}),
    ("actor_events", {"actor": "SCO"}),
    ("actor_events", {"actor": "russia"}),
    ("actor_events", {"actor": "China"}),
    ("actor_events", {"actor": ""}),
    ("search", {"q": "patrol"}),
    ("search", {"q": "russian"}),
    ("search", {"q": "Maritime Interaction"}),
    ("search", {"q": ""}),
]
# Periods: none, a month, one day, open at either end, a multi-day event's end, and text that is not a day.
PERIODS = [
    {"from": "", "to": ""}, {"from": "2021-11-01", "to": "2021-11-30"}, {"from": "2020-09-21", "to": "2020-09-21"},
    {"from": "2021-10-01", "to": ""}, {"from": "", "to": "2020-12-31"}, {"from": "2020-09-23", "to": "2020-09-25"},
    {"from": "2021", "to": "2021-12"}, {"from": "2023-12-20", "to": "2024-02-10"},
]
CASES += [(name, period) for name in ("timeline", "events_between") for period in PERIODS]


def rows_of(served, path: str) -> dict:
    data = served(path).json()
    assert data["ok"] is True, data
    assert not data["truncated"]  # every row compared, none cut off by max_returned_rows
    return {"columns": data["columns"], "rows": data["rows"]}


@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_a_canned_query_returns_exactly_what_its_whole_table_sql_returned(served, name, params):
    args = urllib.parse.urlencode(params)
    now = rows_of(served, f"/events/{name}.json?{args}")
    before = rows_of(served, "/events.json?" + urllib.parse.urlencode({"sql": WHOLE_TABLE_SQL[name], **params}))
    assert now == before


def test_the_cases_return_rows(served):
    """The comparison above is not between two empty lists: most cases have rows."""
    empty = [(n, p) for n, p in CASES if not served(f"/events/{n}.json?{urllib.parse.urlencode(p)}").json()["rows"]]
    # the timeline tests date_latest, not the end of the multi-day event that began on 2020-09-21:
    # events_between lists it for those days, the timeline does not
    assert sorted(map(str, empty)) == sorted(map(str, [("who_meets_whom", {"type": "nothing"}),
                                                       ("actor_events", {"actor": ""}), ("search", {"q": ""}),
                                                       ("timeline", {"from": "2020-09-23", "to": "2020-09-25"})]))


def test_the_category_facet_counts_every_category_of_an_event_through_the_link_table(served):
    """event_categories has a row per event and category of events.categories; its facet counts what
    Datasette's array facet on the JSON column counted (and lists more than events.category, the first)."""
    link = served("/events/event_categories.json?_facet=category&_size=0").json()["facet_results"]["category"]
    array = served("/events/events.json?_facet_array=categories&_size=0").json()["facet_results"]["categories"]
    counts = {f["value"]: f["count"] for f in link["results"]}
    assert counts == {f["value"]: f["count"] for f in array["results"]}
    assert {"military", "political", "tech", "economic"} <= set(counts)
    first = served("/events/events.json?_facet=category&_size=0").json()["facet_results"]["category"]["results"]
    assert sum(counts.values()) > sum(f["count"] for f in first if f["value"] is not None)


def test_the_canned_queries_read_their_aggregates_through_an_index(conn):
    """No canned query scans event_actors or event_sources; each reads its aggregate (or events) in the
    order of an index: the plan SQLite gives it on the seed database names the index."""
    for name, params, index in [
        ("who_meets_whom", {"type": "person"}, "idx_actor_pairs_events"),
        ("events_per_month", {}, "sqlite_autoindex_event_month_counts_1"),
        ("events_per_month_by_kind", {}, "sqlite_autoindex_event_month_counts_1"),
        ("corroborated_events", {}, "idx_events_date_earliest_id"),
        ("sources_that_disagree", {}, "idx_events_date_earliest_id"),
        ("actor_events", {"actor": "Lavrov"}, "idx_event_actors_actor_id_role"),
    ]:
        query = METADATA["databases"]["events"]["queries"][name]["sql"]
        details = " | ".join(row[3] for row in conn.execute("explain query plan " + query, params))
        assert index in details, (name, details)
        assert "SCAN event_actors" not in details and "SCAN event_sources" not in details, (name, details)


# --- the date-range queries on more events than the seeds have, and on bounds the seeds never give ---

@pytest.fixture(scope="module")
def generated_db(tmp_path_factory):
    """A generated corpus (bench/generate.py) of 1,500 events: windows of months, order-bounded entries,
    re-reports; built through the CLI."""
    import importlib.util
    from conftest import ROOT, run_build

    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    out = tmp_path_factory.mktemp("generated")
    generate.generate(1500, out, seed=11, per_day=2.0, entries=(10, 40))
    db = out / "events.db"
    result = run_build(out / "seeds", db, curated=out / "curated")
    assert result.exit_code == 0, result.output
    return db


def periods_of(conn) -> list[dict]:
    """The PERIODS, and a month, a day and open-ended periods inside the database's own span."""
    first, last = conn.execute("select min(date_earliest), max(date_latest) from events").fetchone()
    middle = conn.execute("select date_earliest from events order by date_earliest limit 1 offset "
                          "(select count(*) / 2 from events)").fetchone()[0]
    return PERIODS + [{"from": middle[:8] + "01", "to": middle[:8] + "28"}, {"from": middle, "to": middle},
                      {"from": middle, "to": ""}, {"from": "", "to": middle}, {"from": first, "to": last}]


@pytest.mark.parametrize("name", ["timeline", "events_between"])
def test_a_date_range_query_returns_what_it_returned_on_a_generated_corpus(generated_db, name):
    from conftest import connect

    query = METADATA["databases"]["events"]["queries"][name]["sql"]
    with closing(connect(generated_db)) as conn:
        for period in periods_of(conn):
            now = [tuple(r) for r in conn.execute(query, period)]
            assert now == [tuple(r) for r in conn.execute(WHOLE_TABLE_SQL[name], period)], period
        assert conn.execute("select count(*) from events where date_precision = 'window'").fetchone()[0] > 0


@pytest.mark.parametrize("name", ["timeline", "events_between"])
def test_a_date_range_query_keeps_its_answer_for_events_of_unknown_bounds(seed_db, tmp_path, name):
    """Events with no earliest day, no latest day, or neither (the columns allow it; an undated report in a
    document with no coverage window gives it) come where the old SQL put them: the query does not
    lean on every event having both bounds."""
    from conftest import connect, copy_of

    db = copy_of(seed_db, tmp_path / "unknown")
    query = METADATA["databases"]["events"]["queries"][name]["sql"]
    with closing(connect(db)) as conn:
        template = dict(conn.execute("select * from events limit 1").fetchone())
        for n, (earliest, latest, end) in enumerate([(None, "2021-11-10", None), (None, None, None),
                                                     ("2020-10-01", None, None), (None, "2020-01-05", "2020-01-09")]):
            row = {**template, "id": f"unknown{n}", "date_earliest": earliest, "date_latest": latest, "date_end": end,
                   "date_last": None if latest is None else max(latest, end or latest), "date_days": None}
            conn.execute(f"insert into events ({', '.join(row)}) values ({', '.join('?' for _ in row)})",
                         list(row.values()))
        for period in PERIODS:
            now = [tuple(r) for r in conn.execute(query, period)]
            assert now == [tuple(r) for r in conn.execute(WHOLE_TABLE_SQL[name], period)], period
            assert any(r[0 if name == "timeline" else 1].startswith("unknown") for r in now) or period["from"], period


def test_the_date_range_queries_read_events_in_index_order_without_sorting_them(conn):
    """Neither sorts the events in the period: each part reads the index in the order it lists (only the
    parts for events with no earliest day, at most a handful, are sorted)."""
    for name in ("timeline", "events_between"):
        query = METADATA["databases"]["events"]["queries"][name]["sql"]
        for period in ({"from": "", "to": ""}, {"from": "2021-11-01", "to": "2021-11-30"}):
            plan = [row[3] for row in conn.execute("explain query plan " + query, period)]
            ranged = [step for step in plan if "date_earliest>?" in step]
            assert ranged and all("idx_events_date_earliest_date_latest_first_source_first_position_date_last" in step
                                  for step in ranged), plan
            sorts = [i for i, step in enumerate(plan) if "TEMP B-TREE" in step]
            assert all("date_earliest=?" in plan[i - 1] for i in sorts), plan


# --- facets of a whole table: counted by the build ----------------------------------------------------

def test_a_table_page_shows_the_facets_datasette_counts_reading_them_from_facet_counts(seed_db, served, tmp_path):
    """Every facet of every faceted table, unfiltered (a column the build counted), gives in JSON and HTML
    what Datasette's own column facet gives counting the table (served from a copy without facet_counts):
    the same values, counts, labels, links and truncation, at the default size, at 2 and at max."""
    import re
    from conftest import connect, copy_of, served_client
    from loader.aggregates import faceted_columns

    db = copy_of(seed_db, tmp_path / "uncounted")
    with closing(connect(db)) as conn:
        conn.execute("drop table facet_counts")
        conn.commit()
    datasette_counts = served_client(db)
    columns = faceted_columns()
    assert ("events", "cameo_root") in columns and ("event_actors", "actor_id") in columns
    for table, column in columns:
        for size in ("", "&_facet_size=2", "&_facet_size=max"):
            path = f"/events/{table}.json?_facet={column}&_size=0{size}"
            ours, theirs = served(path).json()["facet_results"], datasette_counts(path).json()["facet_results"]
            assert ours == theirs and ours[column]["results"], path
    for path in ("/events/events", "/events/events?_facet=forum&_facet=date_conflict", "/events/event_actors"):
        pages = [re.sub(r"Queries took [0-9.]+ms", "", get(path).text) for get in (served, datasette_counts)]
        assert pages[0] == pages[1], path


def test_a_filtered_table_page_counts_its_own_rows(served):
    """With a filter, a facet counts the rows the filter keeps (Datasette's own facet), not the table."""
    every = served("/events/events.json?_facet=cameo_root&_size=0").json()["facet_results"]["cameo_root"]["results"]
    kept = served("/events/events.json?_facet=cameo_root&_size=0&source_count__gte=2").json()
    counts = {r["value"]: r["count"] for r in kept["facet_results"]["cameo_root"]["results"]}
    assert sum(counts.values()) == kept["filtered_table_rows_count"] < sum(r["count"] for r in every)


def test_an_unfiltered_facet_is_read_from_facet_counts_not_counted(seed_db, tmp_path):
    """The counts come from the table the build wrote: changed there, the page shows the change (the
    table page no longer counts the whole table on each request)."""
    from conftest import connect, copy_of, served_client

    db = copy_of(seed_db, tmp_path / "changed")
    with closing(connect(db)) as conn:
        conn.execute("update facet_counts set count = 1000000 where table_name = 'events' and column_name = 'month'")
        conn.commit()
    month = served_client(db)("/events/events.json?_size=0").json()["facet_results"]["month"]["results"]
    assert month and {r["count"] for r in month} == {1000000}
