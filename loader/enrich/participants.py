"""Who takes part in an event: one link per actor, and the states taking part through them.

Two domain rules, kept here rather than in the writer (loader/database.py only stores their rows):

- `event_actor_links`: of an actor's links in one event (each name in each excerpt, and the countries
  implied by persons and bodies), the event keeps the one with the strongest role (`roles.STRENGTH`);
  at equal role, a name in the text before an implied (`country-of`) link, then the first in the text.
- `event_countries`: countries take part through participants only: a state actor, or the country of a
  person or body, that acts in the event; never a medium's country, a state named as the place (role
  `location`) or one only mentioned.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from ..model import ActorMatch, Event, Mention
from .roles import STRENGTH

# Roles that do not make an actor (or its country) a participant.
NOT_TAKING_PART = ("location", "mentioned")


def event_actor_links(event: Event) -> list[tuple[Mention, ActorMatch, int]]:
    """(mention, chosen link, how many times the excerpts name the actor) per actor of the event, in the
    order of each actor's chosen link in the text."""
    best: dict[str, tuple] = {}
    counts: dict[str, int] = {}
    for order, (mention, match) in enumerate(event.actors):
        if match.method != "country-of":
            counts[match.actor_id] = counts.get(match.actor_id, 0) + 1
        key = (STRENGTH.get(match.role, len(STRENGTH)), match.method == "country-of", order)
        if match.actor_id not in best or key < best[match.actor_id][0]:
            best[match.actor_id] = (key, mention, match)
    chosen = sorted(best.values(), key=lambda item: item[0][2])
    return [(mention, match, counts.get(match.actor_id, 0)) for _, mention, match in chosen]


def event_countries(event_actors: Iterable[dict], actors: dict) -> Iterator[dict]:
    """One row per event and state taking part in it, with `via`: the actors that put it there
    (comma-separated, by id). `event_actors`: rows with event_id, actor_id and role, grouped by event
    (in event_id order: one event's countries are held at a time, not the corpus's); `actors`: id -> an
    actor with `type` and `country`. Rows come in (event_id, country_id) order."""
    last = None
    for event_id, rows in itertools.groupby(event_actors, key=lambda row: row["event_id"]):
        if last is not None and event_id <= last:
            raise ValueError(f"event_actors rows out of event_id order: {event_id!r} after {last!r}")
        last = event_id
        via: dict[str, list[str]] = {}
        for row in rows:
            actor = actors.get(row["actor_id"])
            if actor is None or row["role"] in NOT_TAKING_PART:
                continue
            if actor.type == "state":
                country = actor.id
            elif actor.type != "media" and actor.country is not None:
                country = actor.country
            else:
                continue
            via.setdefault(country, []).append(row["actor_id"])
        for country_id, actor_ids in sorted(via.items()):
            yield {"event_id": event_id, "country_id": country_id, "via": ", ".join(sorted(actor_ids))}
