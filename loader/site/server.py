"""`datasette serve` on every core: the same command words, one Datasette in each worker process.

Datasette renders its pages in Python, so one `datasette serve` process uses one core however many the
machine has; under load, requests queue behind each other's templates. This runs the words of a
`datasette serve` command (everything after `serve`) in uvicorn's worker processes instead:

    python -m loader.site.server [--workers N] serve --immutable events.db --metadata metadata.yml ...

Datasette's own `serve` command reads the words and builds each worker's Datasette (`return_instance`),
so every flag means exactly what it means to `datasette serve`; the words are checked once in this
process first, so a bad flag or a missing file is one clear error before any worker starts. A
read-only, immutable site keeps no state between requests, so the workers need nothing shared.
`make serve` runs this; `datasette serve events.db` alone still serves the same site on one process.
"""
from __future__ import annotations

import json
import os
import sys

import click

WORDS = "LOADER_DATASETTE_SERVE_WORDS"  # how the words reach the worker processes (spawned, not forked)
MAX_DEFAULT_WORKERS = 4  # the site's pages are small: beyond a few processes, memory grows for nothing


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))


def serve_context(words: list[str]) -> click.Context:
    """Datasette's own `serve` command, parsed (a click error for a bad flag)."""
    from datasette.cli import serve

    return serve.make_context("serve", list(words))


def datasette_for(words: list[str]):
    """The Datasette that `datasette serve WORDS` would serve, started (its startup hooks run)."""
    from datasette.cli import serve

    context = serve_context(words)
    with context:
        return context.invoke(serve.callback, **{**context.params, "return_instance": True})


def app():
    """uvicorn's factory, called once in each worker: the ASGI app of the Datasette the words describe."""
    return shed_connections_when_busy(datasette_for(json.loads(os.environ[WORDS])).app())


def shed_connections_when_busy(asgi):
    """A worker answering other requests too closes the connection after this response, so that the
    client's next request is accepted afresh by whichever worker is free; an idle worker keeps it alive.
    Without this a kept-alive connection ties a client to one worker however busy that worker is (the
    kernel hands out connections, not requests): under load some workers queue while others idle."""
    in_flight = 0

    async def shedding(scope, receive, send):
        nonlocal in_flight
        if scope.get("type") != "http":
            return await asgi(scope, receive, send)

        async def send_shedding(message):
            if message.get("type") == "http.response.start" and in_flight > 1:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        in_flight += 1
        try:
            return await asgi(scope, receive, send_shedding)
        finally:
            in_flight -= 1
    return shedding


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--workers", type=click.IntRange(min=1), default=default_workers, show_default="cores, at most 4",
              help="Server processes, each with its own Datasette.")
@click.argument("serve", metavar="serve")
@click.argument("words", nargs=-1, type=click.UNPROCESSED)
def main(workers: int, serve: str, words: tuple[str, ...]) -> None:
    """Run `datasette serve WORDS...` on WORKERS processes (see the module's description)."""
    import uvicorn

    if serve != "serve":
        raise click.UsageError(f"expected the word 'serve' and then `datasette serve`'s own words, not {serve!r}")
    words = list(words)
    try:
        context = serve_context(words)
    except click.ClickException as error:
        raise click.UsageError(f"datasette serve: {error.format_message()}") from None
    params = context.params
    for flag in ("reload", "uds", "ssl_keyfile", "ssl_certfile", "get", "open_browser", "root"):
        if params.get(flag):
            raise click.UsageError(f"--{flag.replace('_', '-')} is for `datasette serve` itself, not for several workers")
    checked = datasette_for(words)  # a missing file or a bad setting fails here, once, before any worker starts
    if workers == 1:
        uvicorn.run(checked.app(), host=params["host"], port=params["port"], log_level="info",
                    lifespan="on")
        return
    del checked  # each worker builds its own; the supervisor need not keep one
    os.environ[WORDS] = json.dumps(words)
    uvicorn.run("loader.site.server:app", factory=True, workers=workers, host=params["host"], port=params["port"],
                log_level="info", lifespan="on")


if __name__ == "__main__":
    sys.exit(main())
