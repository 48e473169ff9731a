"""The command line: `python -m loader build`, also installed as `china-russia-events`."""
from __future__ import annotations

import os
import signal
import sqlite3
import sys
from pathlib import Path

import click

from .build import build as run_build
from .build import collect
from .enrich.date_stats import chronology_dates
from .enrich.dates import label
from .model import InputError
from .sources import document_paths
from .timings import Timings
from .validate import validate_inputs
from .workers import default_workers


# Every command reads the same two folders: each option is declared once.
seeds_option = click.option(
    "--seeds", type=click.Path(path_type=Path), default=Path("seeds"), show_default=True,
    help="Folder of source documents and their registry, sources.yml.")
curated_option = click.option(
    "--curated", type=click.Path(path_type=Path), default=Path("curated"), show_default=True,
    help="Folder of curated YAML: actors.yml, dates.yml, demonyms.yml, links.yml, linking.yml, "
         "not_actors.yml, places.yml, taxonomy.yml, words.yml.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="china-russia-events")
def cli():
    """Build the China–Russia relations events database from source documents.

    \b
    Typical use, from the project folder:
        python -m loader validate              # check seeds/ and curated/ only
        python -m loader build                 # seeds/ -> events.db
        datasette events.db -m metadata.yml    # browse it
    """


@cli.command()
@seeds_option
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False), default=Path("events.db"),
              show_default=True, help="Database to write. Replaced only when the build succeeds.")
@curated_option
@click.option("--keep-going", is_flag=True,
              help="Skip a document that cannot be read or parsed, with a warning, instead of failing.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print only errors and the one-line summary (no progress bar either).")
@click.option("--timings", "show_timings", is_flag=True,
              help="Print the seconds each stage took, as one JSON line on stderr ('timings: {...}'). With "
                   "several workers, parse, dates and actors sum the seconds of every worker; settle is "
                   "the main process's share of the actors stage (loader/workers.py).")
@click.option("--workers", type=click.IntRange(min=1), default=default_workers, show_default="the cores, at most 8",
              help="Processes that parse, date and read the actors of the documents (and, on a corpus of "
                   "20,000 reports or more, two that score the linker's pairs); 1 does it all in this process. "
                   "The database is the same whatever the number.")
def build(seeds: Path, db_path: Path, curated: Path, keep_going: bool, quiet: bool, show_timings: bool, workers: int):
    """Parse every document in SEEDS, enrich the events and write DB.

    \b
    Documents are detected by format (chronology, timeline, article); one that
    seeds/sources.yml does not list still loads, with a warning. Problems are
    printed as FILE:LINE: severity: message. On any error the build stops with
    exit code 1 and an existing database is left untouched.

    \b
    Example:
        python -m loader build --seeds seeds --db events.db

    \b
    On a terminal a progress bar follows the documents, then the stage running;
    it stays quiet with --quiet or when stderr is not a terminal.
    """
    interactive = not quiet and sys.stderr.isatty()
    bar = None
    if interactive and seeds.is_dir():
        bar = click.progressbar(length=len(document_paths(seeds)), label="Reading documents", file=sys.stderr)

    def on_stage(name: str) -> None:
        nonlocal bar
        if name in LATE_STAGES:
            if bar is not None:
                bar.render_finish()
                bar = None
            click.echo(f"{LATE_STAGES[name]}…", err=True)

    timings = Timings(on_stage=on_stage if interactive else None)
    previous = _on_sigterm(_interrupt)  # so a terminated build removes its temporary file, as Ctrl-C does
    try:
        report = run_build(seeds, db_path, curated, keep_going=keep_going,
                           progress=(lambda _document: bar and bar.update(1)) if bar is not None else None,
                           timings=timings, workers=workers)
    except InputError as error:
        input_errors(error, f"build failed: {len(error.problems)} error(s); {db_path} left unchanged")
    except (KeyboardInterrupt, Interrupted) as error:
        number = error.signal if isinstance(error, Interrupted) else signal.SIGINT
        click.echo(f"build interrupted ({signal.Signals(number).name}); {db_path} left unchanged", err=True)
        sys.exit(128 + number)
    except (OSError, sqlite3.OperationalError) as error:  # the machine, not the input: a full disk, a bad --db path
        where = getattr(error, "filename", None) or db_path
        click.echo(f"{where}: error: {getattr(error, 'strerror', None) or error}; {db_path} left unchanged", err=True)
        sys.exit(1)
    except Exception as error:
        internal_error(error, f"; {db_path} left unchanged")
    finally:
        if previous is not None:
            _on_sigterm(previous)
    if show_timings:
        click.echo(f"timings: {timings.as_json()}", err=True)
    if not quiet:
        for problem in report.warnings:
            click.echo(str(problem), err=True)
        for row in report.names_to_review:
            candidates = f" (could be {', '.join(row.candidates)})" if row.candidates else ""
            click.echo(f"{row.example_source}:{row.example_line}: {row.kind} name {row.name!r}{candidates} "
                       f"in {row.event_count} event(s)", err=True)
    click.echo(
        f"{db_path}: {report.documents} documents, {report.events} events ({report.corroborated} reported by "
        f"several sources, {report.candidates} link candidates for review), {report.mentions} source excerpts, "
        f"{report.statements} statements, "
        f"{report.actors} actors ({report.actor_links} event links), {report.unmatched} unmatched names, "
        f"{len(report.warnings)} warnings"
    )


@cli.command()
@seeds_option
@curated_option
def dates(seeds: Path, curated: Path):
    """Explain the dates: every chronology entry with its bounds, method and evidence.

    \b
    Runs the same stages as `build` (nothing is written) and prints, per
    chronology, how its list runs, then each entry: position, line, bounds
    (earliest..latest, and the end of a multi-day event), method and the
    evidence in words. Each chronology ends with its figures: how many entries
    are exact (earliest = latest), and the median and largest width of the
    bounds in days (latest - earliest + 1, so an exact entry is 1 day wide).
    An entry whose event other sources date differently (CONFLICT) counts by
    its own bounds; the event's bounds, the hull of the sources', follow.

    \b
    Example:
        python -m loader dates --seeds seeds --curated curated
    """
    try:
        data = collect(seeds, curated)
    except InputError as error:
        input_errors(error, f"dates: {len(error.problems)} error(s)")
    except Exception as error:
        internal_error(error)
    chronologies = chronology_dates(data)
    if not chronologies:
        click.echo("no chronology among the documents")
    for chronology in chronologies:
        doc = chronology.doc
        click.echo(f"{doc.source_id} ({doc.file}): {chronology.count} entries, coverage {doc.window[0]} to "
                   f"{doc.window[1]}; {doc.direction_note}")
        for entry in chronology.entries:
            mention, date, width = entry.mention, entry.date, entry.width
            bounds = f"{entry.earliest or '?'}..{entry.latest or '?'}" + (f" (ends {date.end})" if date.end else "")
            flag = f" CONFLICT (event {date.earliest}..{date.latest})" if date.conflict else ""
            click.echo(f"  {mention.position:>3}  line {mention.line:<4} {bounds:<24} {date.method:<12} "
                       f"{width if width is not None else '?':>4} d{flag}  {label(mention, 8)}")
            click.echo(f"{'':7}{date.evidence}")
        for mention, date in chronology.references:
            bounds = f"{date.earliest or '?'}..{date.latest or '?'}"
            click.echo(f"  ref  in entry {mention.reference_of:<3} {bounds:<24} {date.method:<12} {label(mention, 8)}")
            click.echo(f"{'':7}{date.evidence}")
        median, largest = chronology.median_width, chronology.largest_width
        click.echo(
            f"  {doc.source_id}: {chronology.exact} of {chronology.count} exact (earliest = latest); width in days: "
            f"median {'-' if median is None else f'{median:g}'}, largest {'-' if largest is None else largest}"
            + (f", {chronology.unbounded} unbounded" if chronology.unbounded else "")
            + "; methods: " + ", ".join(f"{m} {n}" for m, n in chronology.methods.items())
        )
        click.echo("")


@cli.command(name="links")
@seeds_option
@curated_option
@click.option("--report", is_flag=True, help="Print precision and recall on a labelled set of pairs (--pairs).")
@click.option("--pairs", type=click.Path(path_type=Path), default=Path("tests/linking_pairs.yml"), show_default=True,
              help="Labelled pairs: 'same:' and 'different:' lists of two mentions each, with reasons.")
def links_command(seeds: Path, curated: Path, report: bool, pairs: Path):
    """Explain the cross-source links: every link and every candidate left apart, with its reason.

    \b
    Runs the same stages as `build` (nothing is written). With --report,
    judges the linker against the labelled pairs in --pairs instead: prints
    precision (linked pairs that are one event / linked pairs) and recall
    (pairs of one event that are linked / pairs of one event), and every
    pair it got wrong.

    \b
    Example:
        python -m loader links --report --seeds seeds --curated curated
    """
    from .linkeval import judge_pairs, load_pairs

    try:
        data = collect(seeds, curated)
        labelled = load_pairs(pairs) if report else []
        event_of = {m.key: event.id for event in data.events for m in event.mentions}
        excerpts = {m.key: m.excerpt for event in data.events for m in event.mentions}
        quality = judge_pairs(labelled, event_of, excerpts, str(pairs)) if report else None
    except InputError as error:
        input_errors(error, f"links: {len(error.problems)} error(s)")
    except OSError as error:
        click.echo(f"{error.filename or pairs}: error: {error.strerror or error}", err=True)
        sys.exit(1)
    except Exception as error:
        internal_error(error)
    if report:
        same = sum(1 for p in labelled if p.label == "same")
        click.echo(f"{pairs}: {len(labelled)} labelled pairs ({same} same, {len(labelled) - same} different)")
        for pair, linked in quality.misses:
            what = "linked, but labelled different" if linked else "left apart, but labelled same"
            click.echo(f"  {pairs}:{pair.line}: {what}: {pair.a[0]} {pair.a[1]!r} / {pair.b[0]} {pair.b[1]!r}")
        fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
        click.echo(f"precision {fmt(quality.precision)} ({quality.true_positive} of {quality.linked} linked pairs are one event), "
                   f"recall {fmt(quality.recall)} ({quality.true_positive} of {quality.same} pairs of one event linked)")
        return
    for pair in data.links:
        click.echo(f"linked  {pair.a.source_id}:{pair.a.position} + {pair.b.source_id}:{pair.b.position}  "
                   f"{pair.method} {pair.score}  {pair.reason[:160]}")
    for pair in data.candidates:
        click.echo(f"apart   {pair.a.source_id}:{pair.a.position} + {pair.b.source_id}:{pair.b.position}  "
                   f"{pair.score}  {pair.reason[:160]}")
    click.echo(f"{len(data.links)} links, {len(data.candidates)} candidates left apart")


@cli.command(name="validate")
@seeds_option
@curated_option
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the one-line summary.")
def validate_command(seeds: Path, curated: Path, quiet: bool):
    """Check SEEDS and CURATED as a build would, without writing a database.

    \b
    Reads the registry and every document, runs the parsers, dates and actors,
    and parses every curated YAML file. Prints FILE:LINE: severity: message for
    each problem and a summary; exits 1 when there is an error, 0 otherwise.

    \b
    Example:
        python -m loader validate --seeds seeds --curated curated
    """
    try:
        result = validate_inputs(seeds, curated)
    except OSError as error:
        click.echo(f"{error.filename or seeds}: error: {error.strerror or error}", err=True)
        sys.exit(1)
    except Exception as error:
        internal_error(error)
    for problem in result.problems:
        if problem.severity == "error" or not quiet:
            click.echo(str(problem), err=True)
    summary = (f"{seeds}, {curated}: {result.documents} documents, {result.events} events; "
               f"{len(result.errors)} error(s), {len(result.warnings)} warning(s)")
    if result.errors:
        click.echo(f"validate failed: {summary}")
        sys.exit(1)
    click.echo(f"valid: {summary}")


# What a long build says, on a terminal, when each stage after reading the documents starts.
LATE_STAGES = {"links": "Linking mentions across sources", "events": "Making events",
               "statements": "Finding statements", "write": "Writing the database",
               "indexes": "Indexing", "fts": "Building full-text search"}


def input_errors(error: InputError, summary: str) -> None:
    """Bad input: each problem as FILE:LINE: severity: message, then `summary`; exit 1."""
    for problem in error.problems:
        click.echo(str(problem), err=True)
    click.echo(summary, err=True)
    sys.exit(1)


def internal_error(error: Exception, suffix: str = "") -> None:
    """A bug, not bad input: say so in one line and exit 2; a traceback only with LOADER_DEBUG=1."""
    if os.environ.get("LOADER_DEBUG"):
        raise error
    click.echo(f"internal error: {type(error).__name__}: {error} (set LOADER_DEBUG=1 for a traceback){suffix}", err=True)
    sys.exit(2)


def _on_sigterm(handler):
    """Install a SIGTERM handler and return the previous one (a no-op outside the main thread)."""
    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:
        return None


class Interrupted(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so that the write stage removes its temporary file."""

    def __init__(self, number: int):
        super().__init__(number)
        self.signal = number


def _interrupt(number, frame):
    raise Interrupted(number)


def main():
    cli(prog_name="python -m loader")
