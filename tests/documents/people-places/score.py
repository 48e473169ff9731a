"""Person recall and precision and place recall on the test documents, against key.yml.

    .venv/bin/python tests/documents/people-places/score.py      # builds seeds/ + these documents, prints the figures

The documents are added, unregistered and uncurated, to a copy of seeds/ (as a new user would drop
them in) and built through the CLI with the project's curated/ folder.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
KEY = HERE / "key.yml"


def build(folder: Path) -> Path:
    seeds = folder / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    for document in sorted(HERE.glob("*.txt")):
        shutil.copy(document, seeds / document.name)
    db = folder / "events.db"
    subprocess.run([sys.executable, "-m", "loader", "build", "--quiet", "--seeds", str(seeds), "--db", str(db),
                    "--curated", str(ROOT / "curated")], check=True, cwd=ROOT)
    return db


def curated_people() -> set[str]:
    return {a["id"] for a in yaml.safe_load((ROOT / "curated" / "actors.yml").read_text(encoding="utf-8"))
            if a.get("type") == "person"}


def score(conn: sqlite3.Connection, key: list[dict] | None = None) -> dict:
    """Counts and the mistakes behind them, one entry of the key at a time."""
    key = key if key is not None else yaml.safe_load(KEY.read_text(encoding="utf-8"))
    known = curated_people()
    result = {"people": 0, "people_linked": 0, "person_links": 0, "person_links_right": 0,
              "places": 0, "places_found": 0, "place_links": 0, "place_links_right": 0, "mistakes": []}
    for entry in key:
        rows = conn.execute(
            "select event_id from event_sources where source_id = ? and instr(excerpt, ?) > 0",
            (entry["source"], entry["text"])).fetchall()
        assert len(rows) == 1, f"{entry['source']}: {entry['text']!r} names {len(rows)} events"
        event = rows[0][0]
        by_text = {}
        for link in conn.execute(
                """select actor_id, actors.name from event_actors join actors on actors.id = actor_id
                   where event_id = ? and actors.type = 'person'""", (event,)):
            by_text[link[0]] = link[1]
        expected_ids = set()
        for name, expected in (entry.get("people") or {}).items():
            result["people"] += 1
            if expected == "new":
                hit = [a for a, n in by_text.items() if n == name and a not in known]
            else:
                hit = [expected] if expected in by_text else []
            if hit:
                result["people_linked"] += 1
                expected_ids.add(hit[0])
            else:
                result["mistakes"].append(f"not linked: {name!r} in {entry['text']!r}")
        for actor_id, name in by_text.items():
            result["person_links"] += 1
            if actor_id in expected_ids:
                result["person_links_right"] += 1
            else:
                result["mistakes"].append(f"wrong link: {actor_id} ({name}) in {entry['text']!r}")
        placed = conn.execute(
            """select places.name, places.aliases, places.country from event_places join places on places.id = place_id
               where event_id = ?""", (event,)).fetchall()
        expected_places = set()
        for label in entry.get("places") or []:
            result["places"] += 1
            name, _, country = label.partition(" (")
            country = country.rstrip(")")
            match = [p for p in placed if name in {p[0], *json.loads(p[1] or "[]")}]
            right = [p for p in match if not country or (p[2] or "").startswith(country)]
            if right:
                result["places_found"] += 1
                expected_places.add(right[0][0])
            elif match:
                result["mistakes"].append(f"wrong place: {label!r} placed in {match[0][2]} in {entry['text']!r}")
            else:
                result["mistakes"].append(f"not placed: {label!r} in {entry['text']!r}")
        for name, _aliases, country in placed:
            result["place_links"] += 1
            if name not in expected_places:
                result["mistakes"].append(f"wrong place: {name} ({country}) in {entry['text']!r}")
            else:
                result["place_links_right"] += 1
        countries = {r[0] for r in conn.execute("select country_id from event_countries where event_id = ?", (event,))}
        for country in entry.get("not_countries") or []:
            if country in countries:
                result["mistakes"].append(f"wrong country: {country} takes part in {entry['text']!r}")
    result["person_recall"] = result["people_linked"] / result["people"]
    result["person_precision"] = result["person_links_right"] / max(result["person_links"], 1)
    result["place_recall"] = result["places_found"] / result["places"]
    result["place_precision"] = result["place_links_right"] / max(result["place_links"], 1)
    return result


def main() -> None:
    key = yaml.safe_load(KEY.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(build(Path(folder)))
        for title, part in (("all documents", key), ("held out (written after the rules were settled; see key.yml)",
                                                     [e for e in key if e.get("held_out")])):
            print(f"== {title}")
            report(score(conn, part))
        conn.close()


def report(found: dict) -> None:
    print(f"people named with a full name or a title: {found['people']}; linked to the right actor: "
          f"{found['people_linked']} (recall {found['person_recall']:.1%})")
    print(f"person links: {found['person_links']}; right: {found['person_links_right']} "
          f"(precision {found['person_precision']:.1%})")
    print(f"named places: {found['places']}; on the map in the right country: {found['places_found']} "
          f"(recall {found['place_recall']:.1%}); place links: {found['place_links']}, right: "
          f"{found['place_links_right']} (precision {found['place_precision']:.1%})")
    for mistake in found["mistakes"]:
        print("  " + mistake)


if __name__ == "__main__":
    main()
