"""The command line: `python -m loader build`, also installed as `china-russia-events`."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .build import build as run_build
from .model import InputError
from .sources import document_paths
from .timings import Timings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="china-russia-events")
def cli():
    """Build the China–Russia relations events database from source documents.

    \b
    Typical use, from the project folder:
        python -m loader build                 # seeds/ -> events.db
        datasette events.db -m metadata.yml    # browse it
    """


@cli.command()
@click.option("--seeds", type=click.Path(path_type=Path), default=Path("seeds"), show_default=True,
              help="Folder of source documents and their registry, sources.yml.")
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False), default=Path("events.db"),
              show_default=True, help="Database to write. Replaced only when the build succeeds.")
@click.option("--curated", type=click.Path(path_type=Path), default=Path("curated"), show_default=True,
              help="Folder of curated YAML (actors.yml).")
@click.option("--keep-going", is_flag=True,
              help="Skip a document that cannot be read or parsed, with a warning, instead of failing.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print only errors and the one-line summary (no progress bar either).")
@click.option("--timings", "show_timings", is_flag=True,
              help="Print the seconds each stage took, as one JSON line on stderr ('timings: {...}').")
def build(seeds: Path, db_path: Path, curated: Path, keep_going: bool, quiet: bool, show_timings: bool):
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
    try:
        report = run_build(seeds, db_path, curated, keep_going=keep_going,
                           progress=(lambda _document: bar and bar.update(1)) if bar is not None else None,
                           timings=timings)
    except InputError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"build failed: {len(error.problems)} error(s); {db_path} left unchanged", err=True)
        sys.exit(1)
    except Exception as error:  # a bug, not bad input: say so plainly, no traceback unless asked
        if os.environ.get("LOADER_DEBUG"):
            raise
        click.echo(f"internal error: {type(error).__name__}: {error} (set LOADER_DEBUG=1 for a traceback); "
                   f"{db_path} left unchanged", err=True)
        sys.exit(2)
    if show_timings:
        click.echo(f"timings: {timings.as_json()}", err=True)
    if not quiet:
        for problem in report.warnings:
            click.echo(str(problem), err=True)
    click.echo(
        f"{db_path}: {report.documents} documents, {report.events} events ({report.corroborated} reported by "
        f"several sources, {report.candidates} link candidates for review), {report.mentions} source excerpts, "
        f"{report.statements} statements, "
        f"{report.actors} actors ({report.actor_links} event links), {len(report.warnings)} warnings"
    )


# What a long build says, on a terminal, when each stage after reading the documents starts.
LATE_STAGES = {"links": "Linking mentions across sources", "events": "Making events",
               "statements": "Finding statements", "write": "Writing the database",
               "indexes": "Indexing", "fts": "Building full-text search", "vacuum": "Compacting"}


def main():
    cli(prog_name="python -m loader")
