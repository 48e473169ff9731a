"""The command line: `python -m loader build`, also installed as `china-russia-events`."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .build import build as run_build
from .model import InputError


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
              help="Folder of curated YAML (actors.yml, not_actors.yml, words.yml).")
@click.option("--keep-going", is_flag=True,
              help="Skip a document that cannot be read or parsed, with a warning, instead of failing.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the one-line summary.")
def build(seeds: Path, db_path: Path, curated: Path, keep_going: bool, quiet: bool):
    """Parse every document in SEEDS, enrich the events and write DB.

    \b
    Documents are detected by format (chronology, timeline, article); one that
    seeds/sources.yml does not list still loads, with a warning. Problems are
    printed as FILE:LINE: severity: message. On any error the build stops with
    exit code 1 and an existing database is left untouched.

    \b
    Example:
        python -m loader build --seeds seeds --db events.db
    """
    try:
        report = run_build(seeds, db_path, curated, keep_going=keep_going)
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
    if not quiet:
        for problem in report.warnings:
            click.echo(str(problem), err=True)
        for row in report.names_to_review:
            candidates = f" (could be {', '.join(row.candidates)})" if row.candidates else ""
            click.echo(f"{row.example_source}:{row.example_line}: {row.kind} name {row.name!r}{candidates} "
                       f"in {len(row.events)} event(s)", err=True)
    click.echo(
        f"{db_path}: {report.documents} documents, {report.events} events, {report.mentions} source excerpts, "
        f"{report.actors} actors ({report.actor_links} event links), {report.unmatched} unmatched names, "
        f"{len(report.warnings)} warnings"
    )


def main():
    cli(prog_name="python -m loader")
