"""Aggregates made at build time: what the site's canned queries would otherwise compute over whole
tables on every request, written once, by SQL over the tables the build has just written.

Each aggregate is a table declared in `loader/tables.py` (see AGGREGATES there); this module only fills
them, after the rows, indexes and full-text search are written (`database.TemporaryDatabase.finish`). It reads
nothing but the database, so it does not care how the rows got there. The canned queries in
metadata.yml read these tables through their indexes; `tests/test_aggregates.py` checks, on the seed
database, that each returns exactly the rows the whole-table SQL it replaces returned.
"""
from __future__ import annotations

import sqlite3
from typing import Optional

from .tables import TABLES
from .timings import Timings

# Per calendar month and series (the events' category, or their kind), the three kinds of row of the
# events_per_month charts: events certainly in the month, events whose bounds overlap it (counted in
# every month they overlap), and the events no single month holds; a month with no certain event
# gets a 0 row in the series that sorts first, so the chart shows no gap.
MONTH_COUNTS = """
    insert into event_month_counts (breakdown, month, value, certainty, events)
    with recursive spans as (
      select {series} as value, events.month,
        substr(events.date_earliest, 1, 7) as first_month,
        substr(max(events.date_latest, coalesce(events.date_end, events.date_latest)), 1, 7) as last_month
      from {source}
    ),
    months(month) as (
      select min(first_month) from spans
      union all
      select strftime('%Y-%m', month || '-01', '+1 month') from months
      where month < (select max(last_month) from spans)
    ),
    certain as (select month, value, count(*) as n from spans where month is not null group by month, value)
    select '{breakdown}', month, value, 'certainly in the month', n from certain
    union all
    select '{breakdown}', month, (select min(value) from spans), 'certainly in the month', 0 from months
    where month not in (select month from certain)
    union all
    select '{breakdown}', months.month, spans.value, 'bounds overlap the month', count(*)
    from months join spans on spans.month is null and spans.first_month <= months.month
      and spans.last_month >= months.month
    group by months.month, spans.value
    union all
    select '{breakdown}', 'no single month', value, 'no single month', count(*) from spans
    where month is null group by value
    order by 2, 3, 4
"""

BREAKDOWNS = {
    "category": ("coalesce(events.category, 'not given')", "events"),
    "kind": (
        "coalesce(events.cameo_root || ' ' || cameo_roots.label, 'not classified')",
        "events left join cameo_roots on cameo_roots.code = events.cameo_root",
    ),
}

STATEMENTS = (
    # who_meets_whom: pairs of actors taking part (not only mentioned, not the place) in one event,
    # joined through a temporary copy of the participants that one index covers. Both actors of a pair
    # of one type carry it in pair_type.
    """
    create temp table participants as
    select event_id, actor_id, actor_type from event_actors where role not in ('mentioned', 'location')
    """,
    "create index temp.participants_event on participants (event_id, actor_id, actor_type)",
    """
    insert into actor_pairs (actor_1_id, actor_2_id, actor_1, actor_2, pair_type, events)
    select pairs.actor_1_id, pairs.actor_2_id, a1.name, a2.name, pairs.pair_type, pairs.events
    from (
      select x.actor_id as actor_1_id, y.actor_id as actor_2_id,
        case when x.actor_type = y.actor_type then x.actor_type end as pair_type, count(*) as events
      from participants x
      join participants y on y.event_id = x.event_id and y.actor_id > x.actor_id
      group by x.actor_id, y.actor_id, 3
    ) as pairs
    join actors a1 on a1.id = pairs.actor_1_id
    join actors a2 on a2.id = pairs.actor_2_id
    order by pairs.actor_1_id, pairs.actor_2_id
    """,
    "drop table temp.participants",
    # corroborated_events: every report of an event two or more documents report, in one cell, in
    # the order the event lists its reports (its first report first).
    """
    insert into event_reports (event_id, reports)
    select event_id, group_concat(report, '  |  ') from (
      select event_sources.event_id,
        event_sources.source_id || ' #' || event_sources.position || ': ' || event_sources.excerpt as report
      from events join event_sources on event_sources.event_id = events.id
      where events.source_count >= 2
      order by events.id, event_sources.rowid
    )
    group by event_id
    order by event_id
    """,
    # sources_that_disagree: the events whose sources disagree on the date, by the one rule that sets
    # events.date_conflict (loader/enrich/dating/combine.py, date_events): their reports' own bounds of
    # the first day share no day, a day it was under way falls outside its span, or taking the other
    # reports' days would put a report out of the order of its own list. The last leaves the reports'
    # own bounds overlapping, so no rule over event_sources.own_* alone can tell it: read the column.
    """
    insert into date_disagreements (event_id)
    select id from events where date_conflict = 1
    order by id
    """,
    # The events table's category facet: one row per event and category of its source (the JSON list
    # events.categories, unpacked once here so that a facet counts it through an index).
    """
    insert into event_categories (event_id, category)
    select distinct events.id, json_each.value
    from events, json_each(events.categories)
    where events.categories is not null
    """,
)


# A table page counts each of its facets over the whole table (a scan of the column's index: about
# 50 ms a facet at 839,395 events); with no filter the counts are these, counted once. Every faceted
# column of a table that has facet indexes (not the small ones), as tables.py declares them.
FACET_COUNTS = """
    insert into facet_counts (table_name, column_name, value, count)
    select '{table}', '{column}', [{column}], count(*) from [{table}]
    where [{column}] is not null
    group by [{column}]
"""


def faceted_columns() -> list[tuple[str, str]]:
    """(table, column) for every facet of every table that is neither a view nor small."""
    return [(table.name, column) for table in TABLES if not table.is_view and not table.small
            for column in dict.fromkeys(table.facets + table.more_facets)]


def write_aggregates(conn: sqlite3.Connection, timings: Optional[Timings] = None) -> None:
    """Fill every aggregate table from the tables already written, in one transaction."""
    timings = timings or Timings()
    with timings.stage("aggregates"), conn:
        for breakdown, (series, source) in BREAKDOWNS.items():
            conn.execute(MONTH_COUNTS.format(breakdown=breakdown, series=series, source=source))
        for sql in STATEMENTS:
            conn.execute(sql)
        for table, column in faceted_columns():
            conn.execute(FACET_COUNTS.format(table=table, column=column))
