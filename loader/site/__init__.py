"""The Datasette plugin that makes `datasette serve events.db` show the whole site.

Registered through the project's entry points (pyproject.toml, `[project.entry-points.datasette]`), so
it is active wherever the project is installed. It acts only on databases that carry a `_metadata`
table (written by the build from metadata.yml) and:

- serves that metadata through `get_metadata` (titles, descriptions, facets, sort orders, licences)
  and its canned queries through `canned_queries`; metadata given on the command line (`--metadata`,
  or metadata.yml in configuration-directory mode) wins over the embedded copy, key by key;
- renders search snippets' **markers** as <mark> (escaping the text first: nothing from the data is
  ever emitted as HTML) and links event and statement ids in query results to their pages, once for
  the whole page (templates/query.html calls rendered_cells; no render_cell hook, which runs per cell);
- gives the events row template (templates/row-events-events.html, shipped in this package) the
  event's sources, excerpts, actors, places and statements;
- bounds a table's full-text search (`?_search=`) to the first SEARCH_LIMIT matching rows in rowid
  order (the events': date order): Datasette's own search filters, counts and facets every match, which
  for a word in a third of a million events takes seconds; the request's `_search` is handed to this
  plugin's filter as BOUNDED_SEARCH, which reads at most SEARCH_LIMIT rowids from the full-text index;
- answers a table page's column facets, when no filter is applied, from the table `facet_counts` the
  build writes (FACET_COUNTS): the same values, counts, labels and links Datasette's column facet gives,
  without counting the whole table on every request (three facets took 150 ms at 839,395 events);
  with a filter, or on a database without that table, Datasette's own column facet counts;
- bounds what one request can cost (every connection Datasette opens, and every request):
  SQLite's length limits (no string or blob over MAX_LENGTH bytes: `hex(zeroblob(400000000))` is an
  error, not 2 GB of memory), an authorizer that keeps `fts3_tokenizer()` (a native pointer, and
  with two arguments a way to install one) out of every statement, and a length limit on query
  string values (MAX_PARAMETER_CHARS), which bounds the full-text query handed to snippet(): SQLite
  never calls the time limit's progress handler inside one snippet() call, whose work grows with the
  square of the number of search terms;
- after a process's first request, collects its garbage once and freezes what it then holds for good
  (gc.freeze), so that later full collections do not walk the whole of Datasette in the middle of a page.

Standard library, Datasette and MarkupSafe only: no import from the rest of `loader`.
"""
from __future__ import annotations

import copy
import gc
import json
import re
import sqlite3
import weakref
from pathlib import Path

import logging
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.filters import FilterArguments
from datasette.utils import (escape_sqlite, path_with_added_args, path_with_removed_args, tilde_encode,
                             urlsafe_components)
from markupsafe import Markup, escape

_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
# datasette -> (embedded metadata, local metadata, the part of the first the second does not set)
_NOT_LOCAL: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
# Snippets come from the canned queries with literal `\` and `*` of the text escaped as `\\` and `\*`
# and the matches between unescaped `**` markers (see metadata.yml): a `**` the document itself
# contains is never a match.
MARKED = re.compile(r"\\(.)|(\*\*)", re.S)
EVENT_ID = re.compile(r"e[0-9a-f]{11}")
STATEMENT_ID = re.compile(r"s[0-9a-f]{11}")


def embedded(datasette) -> dict:
    """{database name: metadata dict} for every attached database with a `_metadata` table. Cached."""
    names = tuple((name, getattr(db, "path", None)) for name, db in datasette.databases.items())
    cached = _CACHE.get(datasette)
    if cached is None or cached[0] != names:
        found = {}
        for name, path in names:
            if not path or name == "_internal":
                continue
            try:
                connection = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
                try:
                    row = connection.execute("select value from _metadata where key = 'metadata'").fetchone()
                finally:
                    connection.close()
            except sqlite3.Error:  # not ours (no _metadata table) or unreadable: leave it alone
                continue
            if row:
                found[name] = json.loads(row[0])
        cached = (names, found, _merged(found))
        _CACHE[datasette] = cached
    return cached[1]


def _database_section(metadata: dict, name: str) -> dict:
    """The metadata of one database, whatever name the file had when metadata.yml was written."""
    databases = metadata.get("databases") or {}
    if name in databases:
        return databases[name]
    return next(iter(databases.values())) if len(databases) == 1 else {}


def _merged(found: dict) -> dict:
    """One metadata dict for get_metadata: instance keys from the first database, each database's own
    section under its served name, canned queries left to the canned_queries hook."""
    result: dict = {"databases": {}}
    for name, metadata in found.items():
        for key, value in metadata.items():
            if key != "databases":
                result.setdefault(key, value)
        section = {k: v for k, v in _database_section(metadata, name).items() if k != "queries"}
        result["databases"][name] = section
    return result


@hookimpl
def get_metadata(datasette, key, database, table):
    if not embedded(datasette):
        return None
    # Datasette calls this dozens of times a page, and the local metadata (--metadata) wins key by key:
    # hand over only what the local metadata does not already set (nothing, when `make serve` passes
    # the same metadata.yml the database embeds), and as fresh dicts, since Datasette merges into the
    # first source in place. A deep copy of the whole was a third of a small page's time.
    merged, local = _CACHE[datasette][2], getattr(datasette, "_metadata_local", None) or {}
    cached = _NOT_LOCAL.get(datasette)
    if cached is None or cached[0] is not merged or cached[1] is not local:
        cached = _NOT_LOCAL[datasette] = (merged, local, _not_overridden(merged, local))
    return _fresh(cached[2]) if cached[2] else None


def _not_overridden(ours: dict, local: dict) -> dict:
    """The part of `ours` that survives Datasette's merge under `local` (local wins, dict by dict)."""
    kept = {}
    for key, value in ours.items():
        if key not in local:
            kept[key] = value
        elif isinstance(value, dict) and isinstance(local[key], dict):
            rest = _not_overridden(value, local[key])
            if rest:
                kept[key] = rest
    return kept


def _fresh(mapping: dict) -> dict:
    """A copy of every dict in `mapping` (what Datasette's merge writes into); other values shared."""
    return {key: _fresh(value) if isinstance(value, dict) else value for key, value in mapping.items()}


@hookimpl
def canned_queries(datasette, database, actor):
    metadata = embedded(datasette).get(database)
    if not metadata:
        return None
    queries = _database_section(metadata, database).get("queries") or {}
    local = datasette.metadata("queries", database=database, fallback=False) or {}
    result = {name: copy.deepcopy(query) for name, query in queries.items() if name not in local}
    # metadata.yml describes a query once, in HTML (its page shows description_html); the database
    # page's link to it takes a plain `description` as its title: the first paragraph, as text.
    result.update({name: copy.deepcopy(query) for name, query in local.items()
                   if isinstance(query, dict) and "description" not in query and query.get("description_html")})
    for query in result.values():
        if "description" not in query and query.get("description_html"):
            query["description"] = plain_description(query["description_html"])
    return result


def plain_description(html: str) -> str:
    """The text of an HTML description's first paragraph (the whole of it when it has no </p>)."""
    return Markup(html.split("</p>", 1)[0]).striptags()


def highlight(text: str) -> Markup:
    r"""Escape the text, then turn each **marked** run into <mark>…</mark>; `\*` and `\\` are a literal
    asterisk and backslash of the document."""
    html, plain, position, inside = Markup(""), [], 0, False
    for match in MARKED.finditer(text):
        plain.append(text[position:match.start()])
        position = match.end()
        if match.group(1) is not None:
            plain.append(match.group(1))
            continue
        html += (Markup("<mark>{}</mark>") if inside else Markup("{}")).format("".join(plain))
        plain, inside = [], not inside
    plain.append(text[position:])
    html += (Markup("<mark>{}</mark>") if inside else Markup("{}")).format("".join(plain))
    return html


# A query's page (templates/query.html) shows search snippets highlighted and event and statement ids
# as links. Done on the rendered rows, once a page: a render_cell hook is called for every cell of every
# query page (17,000 on a page of 1,000 rows), and pluggy's call alone took about half the time of
# rendering sources_that_disagree. Datasette writes each cell as <td class="col-COLUMN">TEXT</td>,
# TEXT escaped (so no </td> inside); the k-th cell of a column belongs to the k-th row.
RENDERED_COLUMNS = ("snippet", "id", "event_id", "statement_id")
CELL = re.compile(r'<td class="col-(snippet|id|event_id|statement_id)">(.*?)</td>', re.S)


def rendered_cells(datasette, html: Markup, columns, rows, database: str) -> Markup:
    """The content of a query page with its snippet and id cells rendered (only for this project's
    databases, and columns whose name the result has once)."""
    wanted = {column: columns.index(column) for column in RENDERED_COLUMNS if list(columns).count(column) == 1}
    if not wanted or not rows or database not in embedded(datasette):
        return html
    seen = dict.fromkeys(wanted, 0)

    def cell(match: re.Match) -> str:
        column = match.group(1)
        if column not in wanted:
            return match.group(0)
        index, seen[column] = seen[column], seen[column] + 1
        value = rows[index][wanted[column]] if index < len(rows) else None
        shown = cell_html(value, column, database, datasette) if isinstance(value, str) else None
        return match.group(0) if shown is None else f'<td class="col-{column}">{shown}</td>'

    return Markup(CELL.sub(cell, str(html)))


def cell_html(value: str, column: str, database: str, datasette):
    """The HTML of a snippet or id cell of a query's result, or None to leave it as Datasette shows it."""
    if column == "snippet" and ("**" in value or "\\" in value):
        return highlight(value)
    if column in ("id", "event_id") and EVENT_ID.fullmatch(value):
        return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, "events", value), value)
    if column in ("id", "statement_id") and STATEMENT_ID.fullmatch(value):
        return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, "statements", value), value)
    return None


# Datasette 0.65 lists every column's description above the rows; fold the list into a <details> so a
# table page opens on its facets, chart, map and rows. Without JavaScript the list stays as it was.
FOLD_COLUMN_DESCRIPTIONS = """
document.querySelectorAll("dl.column-descriptions").forEach(function (list) {
  if (list.parentNode.classList.contains("column-descriptions-folded")) { return; }
  var details = document.createElement("details");
  var summary = document.createElement("summary");
  summary.textContent = "What each column means (" + list.querySelectorAll("dt").length + " columns)";
  details.className = "column-descriptions-folded";
  details.appendChild(summary);
  list.parentNode.insertBefore(details, list);
  details.appendChild(list);
});
"""


@hookimpl
def extra_body_script(template, database, table, columns, view_name, request, datasette):
    if view_name == "table" and database in embedded(datasette):
        return FOLD_COLUMN_DESCRIPTIONS
    return None


EVENT_PAGE_QUERIES = {
    "reports": """
        select event_sources.*, sources.title, sources.publisher, sources.published, sources.url,
               sources.rights, sources.format as source_format
        from event_sources join sources on sources.id = event_sources.source_id
        where event_sources.event_id = :id
        order by event_sources.link_method != 'first', event_sources.source_id, event_sources.position
    """,
    "actors": """
        select event_actors.*, actors.name, actors.type, actors.country
        from event_actors join actors on actors.id = event_actors.actor_id
        where event_actors.event_id = :id
        order by actors.type != 'person', actors.name
    """,
    "places": """
        select event_places.*, places.name, places.country, places.precision, places.latitude, places.longitude
        from event_places join places on places.id = event_places.place_id
        where event_places.event_id = :id
        order by places.name
    """,
    "countries": """
        select event_countries.country_id, actors.name, event_countries.via
        from event_countries join actors on actors.id = event_countries.country_id
        where event_countries.event_id = :id
        order by actors.name
    """,
    "statements": """
        select id, speaker_id, speaker_text, kind, text, source_id
        from statements where event_id = :id order by source_id, position
    """,
    "cameo": """
        select cameo_roots.code, cameo_roots.label, cameo_roots.description
        from events join cameo_roots on cameo_roots.code = events.cameo_root
        where events.id = :id
    """,
}


@hookimpl
def extra_template_vars(template, database, table, columns, view_name, request, datasette):
    if view_name != "row" or table != "events" or request is None or database not in embedded(datasette):
        return None

    async def event_page():
        pks = urlsafe_components(request.url_vars.get("pks", ""))
        if len(pks) != 1:
            return {}
        db = datasette.get_database(database)
        page = {}
        for name, sql in EVENT_PAGE_QUERIES.items():
            try:
                page[name] = [dict(r) for r in (await db.execute(sql, {"id": pks[0]})).rows]
            except sqlite3.OperationalError:  # an older database without this table
                page[name] = []
        page["cameo"] = page["cameo"][0] if page["cameo"] else None
        return {"event_page": page}

    return event_page


# --- facets of a whole table, counted when the database was built ---------------------------------------

FACET_COUNTS = "facet_counts"  # (table_name, column_name, value, count): loader/aggregates.py writes it


class CountedColumnFacet(ColumnFacet):
    """Datasette's column facet, reading the counts of an unfiltered table from FACET_COUNTS.

    A table page with no filter (its SQL has no `where`: no filter, search or next-page cursor) and no
    parameters gets, for each column FACET_COUNTS counts, the rows Datasette's facet query would give
    (value and count, most first, then by value), and the same labels and links. Every other facet, and
    every facet of a filtered page, is Datasette's own."""

    async def facet_results(self):
        counted = await self._counted_columns()
        if not counted:
            return await super().facet_results()
        results, timed_out = [], []
        for config in self.get_configs():
            column = config["config"].get("column") or config["config"]["simple"]
            if column in counted:
                results.append(await self._counted_facet(column, config["source"]))
                continue
            self.get_configs = lambda config=config: [config]  # Datasette's own, for this one facet
            try:
                found, missed = await super().facet_results()
            finally:
                del self.get_configs
            results += found
            timed_out += missed
        return results, timed_out

    async def _counted_columns(self) -> set:
        if self.params or not self.table or not self.sql.rstrip().endswith(f"from {escape_sqlite(self.table)}"):
            return set()
        db = self.ds.get_database(self.database)
        if not await db.table_exists(FACET_COUNTS):  # not a database this project built
            return set()
        rows = await db.execute(f"select distinct column_name from {FACET_COUNTS} where table_name = :table",
                                {"table": self.table})
        return {row[0] for row in rows}

    async def _counted_facet(self, column: str, source: str) -> dict:
        facet_size = self.get_facet_size()
        rows = (await self.ds.get_database(self.database).execute(
            f"select value, count from {FACET_COUNTS} where table_name = :table and column_name = :column "
            "order by count desc, value limit :limit",
            {"table": self.table, "column": column, "limit": facet_size + 1})).rows
        shown = rows[:facet_size]
        expanded = await self.ds.expand_foreign_keys(self.database, self.table, column, [r["value"] for r in shown])
        pairs = self.get_querystring_pairs()
        column_qs = f"{column}__exact" if column.startswith("_") else column
        values = []
        for row in shown:
            selected = (column_qs, str(row["value"])) in pairs
            toggle = (path_with_removed_args(self.request, {column_qs: str(row["value"])}) if selected
                      else path_with_added_args(self.request, {column_qs: row["value"]}))
            values.append({"value": row["value"], "label": expanded.get((column, row["value"]), row["value"]),
                           "count": row["count"], "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                           "selected": selected})
        return {"name": column, "type": self.type, "hideable": source != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
                "results": values, "truncated": len(rows) > facet_size}


@hookimpl(hookwrapper=True)
def register_facet_classes():
    """Datasette's column facet, wherever it is registered, replaced by CountedColumnFacet."""
    outcome = yield
    outcome.force_result([[CountedColumnFacet if klass is ColumnFacet else klass for klass in classes]
                          for classes in outcome.get_result()])


# --- limits on what one request may cost -------------------------------------------------------------

MAX_LENGTH = 10_000_000  # bytes in one string or blob (SQLite's default is 1 GB); the longest document is far below
MAX_SQL_LENGTH = 100_000  # characters of one SQL statement
MAX_LIKE_PATTERN = 1_000  # characters of a LIKE or GLOB pattern (default 50,000)
MAX_PARAMETER_CHARS = 1_000  # characters of one query-string value other than `sql`
# Words in a value that can reach a full-text MATCH (q, _search, _search_*, and any parameter without a
# leading underscore, which a ?sql= query can bind). snippet() ranks every pair of match instances, so
# its work grows with the square of (words x their occurrences in the row): 200 characters of "the "
# took 2.2 s over the five documents of sources_fts, 1,000 characters 28 s; 32 words about 0.9 s.
MAX_SEARCH_WORDS = 32
# A table search reads at most this many matches from the full-text index, the first in rowid order;
# `_search` reaches the plugin as BOUNDED_SEARCH (see asgi_wrapper), so Datasette's unbounded filter
# never runs.
SEARCH_LIMIT = 5000
BOUNDED_SEARCH = "_bounded_search"
WORD = re.compile(r"\w+")
REFUSED_FUNCTIONS = {"fts3_tokenizer"}
_log = logging.getLogger(__name__)


def _authorizer(action, arg1, arg2, database, source):
    if action == sqlite3.SQLITE_FUNCTION and arg2 and arg2.lower() in REFUSED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn, database, datasette):
    """Every connection Datasette opens, before any query: length limits and the authorizer."""
    if hasattr(conn, "setlimit"):  # Python 3.11+
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LENGTH)
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_LENGTH)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, MAX_LIKE_PATTERN)
    elif not getattr(prepare_connection, "warned", False):
        prepare_connection.warned = True
        _log.warning("Python %s has no sqlite3 setlimit(): the site runs without its length limits "
                     "(use Python 3.11 or later to serve it)", ".".join(map(str, __import__("sys").version_info[:3])))
    conn.set_authorizer(_authorizer)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    # A row id as Datasette writes it in its own links (tilde-encoding: `/`, `?`, `#`, space and the rest).
    env.filters["row_path"] = lambda value: tilde_encode(str(value))
    env.globals["rendered_cells"] = lambda html, columns, rows, database: rendered_cells(
        datasette, html, columns, rows, database)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def bounded(scope, receive, send):
            if scope.get("type") == "http":
                refused = _too_long(scope.get("query_string") or b"")
                if refused:
                    await _refuse(scope, send, refused)
                    return
                scope = _bounding_search(scope)
            await app(scope, receive, send)
            if scope.get("type") == "http":
                _settle_garbage_collector()
        return bounded
    return wrap


_gc_settled = False


def _settle_garbage_collector() -> None:
    """Once per process, after its first request: what the site holds for good by then (metadata, compiled
    templates, connections, Datasette itself) is collected once and then frozen out of every later
    collection (gc.freeze). Without it a full collection walked all of that every dozen page loads or so,
    at 30 to 40 ms each, and the slowest loads of the events table page took twice the others."""
    global _gc_settled
    if _gc_settled:
        return
    _gc_settled = True
    gc.collect()
    gc.freeze()


def _too_long(query_string: bytes):
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if name == "sql":
            continue  # bounded by SQLITE_LIMIT_SQL_LENGTH
        if len(value) > MAX_PARAMETER_CHARS:
            return (f"the value of {name!r} is {len(value)} characters long; this site accepts at most "
                    f"{MAX_PARAMETER_CHARS}")
        if (name in ("q", "_search", BOUNDED_SEARCH) or name.startswith("_search_") or not name.startswith("_")) \
                and len(WORD.findall(value)) > MAX_SEARCH_WORDS:
            return (f"the value of {name!r} has {len(WORD.findall(value))} words; this site accepts at most "
                    f"{MAX_SEARCH_WORDS} in a search (ranking more costs more than a page may take)")
    return None


def _bounding_search(scope: dict) -> dict:
    """The request with its `_search` renamed BOUNDED_SEARCH, which filters_from_request below answers.
    The links a page makes (next page, CSV, JSON) keep that name, and its search form sends it back
    beside the box's `_search`: the box wins (an empty box, no search)."""
    query = scope.get("query_string") or b""
    if b"_search=" not in query:
        return scope
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    if not any(name == "_search" for name, _ in pairs):
        return scope
    renamed = [(BOUNDED_SEARCH if name == "_search" else name, value) for name, value in pairs
               if name != BOUNDED_SEARCH and not (name == "_search" and not value)]
    return {**scope, "query_string": urlencode(renamed, encoding="latin-1").encode("latin-1")}


@hookimpl
def filters_from_request(request, database, table, datasette):
    """`?_search=` (renamed BOUNDED_SEARCH) as Datasette's own search filter, but reading at most
    SEARCH_LIMIT matching rowids, the first in rowid order: FTS5 returns matches in rowid order, so
    the subquery stops there without visiting (or scoring) the rest."""
    search = request.args.get(BOUNDED_SEARCH)
    if not search:
        return None

    async def inner():
        db = datasette.get_database(database)
        fts = datasette.table_metadata(database, table).get("fts_table") or await db.fts_table(table)
        if not fts:
            return None
        raw = request.args.get("_searchmode", datasette.table_metadata(database, table).get("searchmode")) == "raw"
        fts = escape_sqlite(fts)
        where = (f"rowid in (select rowid from {fts} where {fts} match {':search' if raw else 'escape_fts(:search)'} "
                 f"order by rowid limit {SEARCH_LIMIT})")
        return FilterArguments([where], {"search": search},
                               [f'search matches "{search}" (the first {SEARCH_LIMIT:,} matches at most)'],
                               {"search": search, "supports_search": True})

    return inner


async def _refuse(scope, send, message: str) -> None:
    if scope.get("path", "").endswith(".json"):
        body, kind = json.dumps({"ok": False, "error": message, "status": 400, "title": None}).encode(), b"application/json"
    else:
        body = ("<!DOCTYPE html><html><head><title>Request too long</title></head><body><h1>Request too long</h1>"
                f"<p>{escape(message)}</p></body></html>").encode()
        kind = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
