"""A deterministic synthetic corpus for the scale benchmark, in every format the loader reads.

    python bench/generate.py --events 100000 --out bench/work/corpus-100000

writes `--events` event reports (mentions) into OUT/seeds/, as documents of 100-500 entries each,
with the `sources.yml` that registers them (so the build raises no "unregistered" warning per
document), and the project's curated dictionaries into OUT/curated/ (all but links.yml, whose
decisions name mentions of the real seed documents, and the per-entry dates of dates.yml, which do
too, as do taxonomy.yml's overrides and places.yml's also_in links; the rules and reference dates
are kept):

  - chronologies in the Comparative Connections layout, with printed dates ("Dec. 15, 2021: ...")
    and with stripped ones (": ..."), four months each;
  - dated timelines ("Political/Economic: On July 26, 2021, ..."), a year each;
  - articles: a dateline, then prose whose dated sentences are the events (full dates, "on March 3",
    "on Monday"), undated context sentences and attributed quotations, two months each.

Everything the text is made of comes from the project's own files, so that every stage does real work:
actor names are the aliases in curated/actors.yml (the actors stage matches them), kinds of event
and their synonyms are the phrases in curated/linking.yml (the linker scores them), places and forums
are names the seed documents use, and the context words are the lower-case words of the seeds,
weighted by how often the seeds use them. Each event also carries a synthetic proper name from a pool
that grows with the corpus (about 15 events per name), the long tail of rare words a real archive has,
which the linker blocks on.

About a fifth of the entries report an event another document already reported (same day, actors,
kind, place and name, in other words), so cross-source linking finds real pairs. The density of
events per day is fixed (`--per-day`), so the period covered grows with the corpus and every size
puts the same load on each day: scaling is measured at constant density, ending on 2025-12-31.

The generator knows which entries report one world event: OUT/truth.jsonl gives, per document, the
number of the world event each of its entries reports, in the document's order (the loader never reads
it). `bench/run.py` scores the linker against it: link precision and recall over pairs of reports.

Same arguments, same bytes: the only randomness is random.Random(--seed).
"""
from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LAST_DAY = dt.date(2025, 12, 31)
ABBR = {1: "Jan.", 2: "Feb.", 3: "March", 4: "April", 5: "May", 6: "June", 7: "July", 8: "Aug.",
        9: "Sept.", 10: "Oct.", 11: "Nov.", 12: "Dec."}
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]
SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Places and forums the seed documents name; those the seeds no longer contain are dropped.
PLACES = ["Beijing", "Moscow", "Kazan", "Geneva", "Delhi", "Rome", "Qingdao", "Orenburg", "Kubinka",
          "Jakarta", "Islamabad", "Dushanbe", "Afghanistan", "Taiwan", "Ukraine", "North Korea", "Europe",
          "Vladivostok", "Sea of Japan", "East China Sea", "South China Sea", "Central Asia"]
FORUMS = ["Security Council", "East Asia Summit", "Democracy Summit", "Belt and Road Initiative",
          "Sino-Russian energy forum", "Eastern Economic Forum", "Winter Olympics", "investment forum",
          "Regular Meeting", "Business Council"]
CATEGORIES = ["Tech", "Political", "Economic", "Military", "Political/Economic", "Military/Tech"]
# Words that would change what the parsers read: date cues, future markers, sentence-ending tricks.
AVOID = {"last", "next", "will", "would", "shall", "upcoming", "expected", "plan", "plans", "eve",
         "photo", "says", "said", "say", "told", "tells", "according", "noted", "added", "claims"}
SYLLABLES = ["ka", "lo", "mir", "zhen", "vo", "tan", "rus", "bai", "gor", "lin", "sha", "dov", "qi",
             "nev", "yan", "tro", "hua", "sk", "per", "mei", "zan", "ol", "kov", "xu", "dar", "ren"]
# How each kind of event is worded: {k} is one of the kind's phrases in curated/linking.yml; the rest
# of the sentence is the event's own words ({topic}: six words from the seeds' vocabulary), so two
# different events share little beyond their kind, and two reports of one event share a lot.
TEMPLATES = {
    "patrol": ["{a} and {b} in a joint {k} near {place}, {name}: {topic}",
               "{a} with {b} on {k} at {place} for {name}, {topic}"],
    "drill": ["{a} and {b} in the {name} {k} near {place}, {topic}",
              "{a} with {b} on {k} {name} at {place}: {topic}"],
    "summit": ["{a} in {k} with {b} at {place} on {topic} and {name}",
               "{a} and {b} at {forum} {k} in {place}, {name} and {topic}"],
    "agreement": ["{a} and {b} on a {k} for {topic} at {place}, the {name} {k}",
                  "{a} with {b}: the {name} {k} at {forum} on {topic}"],
    "message": ["{a} to {b}: a {k} on {topic} after {name} at {place}",
                "{a} and {b} in {k} on the {name} anniversary, {topic}"],
    "statement": ["{a} in a {k} on {topic} at {place} for {b} over {name}",
                  "{a} in an {k} at {place} on {b} and the {name} question, {topic}"],
    "institution": ["{a} and {b} at the {name} {k} in {place} for {topic}",
                    "{a} with {b} at {forum}: a {k}, the {name} one, for {topic}"],
    # Kinds curated/linking.yml does not name: the linker must judge these on text, actors and date.
    "visit": ["{a} on a {k} to {b} in {place}, on {name} and {topic}",
              "{a} and {b}: {k} to {place} after {name}, {topic}"],
    "trade": ["{a} and {b} on {k} in {topic}, by the {name} corridor at {place}",
              "{a} with {b} in {place} on {k} along {name}: {topic}"],
    "vote": ["{a} and {b} in a {k} at {forum} on {name}, for {topic}",
             "{a} for {b} in a {k} on {name} at {forum} over {topic}"],
}


class Vocab:
    """What the corpus is made of, read from the seeds and the curated dictionaries."""

    def __init__(self, seeds: Path, curated: Path):
        text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt")))
        actors = yaml.safe_load((curated / "actors.yml").read_text(encoding="utf-8")) or []
        linking = yaml.safe_load((curated / "linking.yml").read_text(encoding="utf-8")) or {}
        self.states = [a for a in actors if a["type"] == "state"]
        self.others = [a for a in actors if a["type"] != "state"]
        self.persons = [a for a in actors if a["type"] == "person"]
        # Names as the text writes them: a person by alias, a state mostly by its plain name.
        self.names = {a["id"]: sorted({a["name"], *(a.get("aliases") or [])}) for a in actors}
        kinds = linking.get("kinds") or {}
        self.kinds = {k: [p for p in sorted(set(v)) if re.fullmatch(r"[a-z][a-z -]*", p)] or [k]
                      for k, v in sorted(kinds.items()) if k in TEMPLATES}
        for kind in TEMPLATES:
            self.kinds.setdefault(kind, [kind])
        self.places = [p for p in PLACES if p in text] or ["Moscow", "Beijing"]
        self.forums = [f for f in FORUMS if f in text] or ["forum"]
        lowered = Counter(re.findall(r"(?<![\w’'-])[a-z]{4,}(?![\w’'-])", text))
        capitalized = {w.lower() for w in re.findall(r"\b[A-Z][a-z]{3,}\b", text)}
        blocked = AVOID | {m.lower() for m in MONTH_NAMES + SHORT + WEEKDAYS}
        words = sorted(w for w in lowered if w not in blocked and w not in capitalized)
        self.words = words
        self.weights = [lowered[w] ** 0.5 for w in words]  # flattened: event words are rarer than "relations"
        self.cum = []
        total = 0
        for weight in self.weights:
            total += weight
            self.cum.append(total)

    def word(self, rng) -> str:
        return self.words[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]

    def actor_name(self, rng, actor) -> str:
        return rng.choice(self.names[actor["id"]])


class Generator:
    def __init__(self, events: int, seed: int, per_day: float, vocab: Vocab, entries: tuple[int, int] = (100, 500)):
        self.rng = __import__("random").Random(seed)
        self.entries = entries
        self.total = events
        self.vocab = vocab
        self.days = max(120, int(events / per_day))
        self.first_day = LAST_DAY - dt.timedelta(days=self.days - 1)
        self.names = [self._name() for _ in range(max(50, events // 15))]
        self.pool: dict[dt.date, list[dict]] = {}  # events already reported, by day, for re-reports
        self.made = 0  # world events made so far: each one's number is its identity in truth.json
        self.truth: dict[str, list[int]] = {}  # source id -> the world event of each entry, in order

    def _name(self) -> str:
        rng = self.rng
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    # -- what happened ------------------------------------------------------------------------

    def world_event(self, day: dt.date) -> dict:
        rng, v = self.rng, self.vocab
        kind = rng.choice(sorted(TEMPLATES))
        # Most events are bilateral (China and Russia, whom the linker ignores as actors); the rest
        # bring in a person, a body or a third state.
        a, b = (v.states[:2] if rng.random() < 0.5 else v.states[1::-1]) if len(v.states) > 1 else (v.states * 2)[:2]
        roll = rng.random()
        if roll < 0.3 and v.others:
            a = rng.choice(v.others)
        elif roll < 0.4 and len(v.states) > 2:
            b = rng.choice(v.states[2:])
        self.made += 1
        return {"id": self.made, "day": day, "kind": kind, "a": a, "b": b, "place": rng.choice(v.places),
                "forum": rng.choice(v.forums), "name": rng.choice(self.names),
                "words": [v.word(rng) for _ in range(8)], "speaker": rng.choice(v.persons or v.others or v.states)}

    def pick(self, start: dt.date, end: dt.date) -> dict:
        """An event inside [start, end]: a re-report of one already written (a fifth of the time) or new."""
        rng = self.rng
        if rng.random() < 0.2:
            span = (end - start).days + 1
            for _ in range(3):
                day = start + dt.timedelta(days=rng.randrange(span))
                if self.pool.get(day):
                    return rng.choice(self.pool[day])
        day = start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))
        event = self.world_event(day)
        self.pool.setdefault(day, []).append(event)
        return event

    def prune(self, before: dt.date) -> None:
        for day in [d for d in self.pool if d < before]:
            del self.pool[day]

    # -- how a document words it --------------------------------------------------------------

    def sentence(self, event: dict, capital: bool = True) -> str:
        rng, v = self.rng, self.vocab
        template = rng.choice(TEMPLATES[event["kind"]])
        words = [w for w in event["words"] if rng.random() < 0.75] or event["words"][:2]
        topic = " ".join(words[:3]) + (", " + " ".join(words[3:]) if len(words) > 3 else "")
        text = template.format(
            a=v.actor_name(rng, event["a"]), b=v.actor_name(rng, event["b"]), k=rng.choice(v.kinds[event["kind"]]),
            place=event["place"], forum=event["forum"], name=event["name"], topic=topic,
        )
        return (text[0].upper() + text[1:]) if capital else text

    def context(self, length: int) -> str:
        words = [self.vocab.word(self.rng) for _ in range(length)]
        return " ".join(words).capitalize() + "."

    def quote(self, event: dict) -> str:
        speaker = self.vocab.actor_name(self.rng, event["speaker"])
        said = self.context(self.rng.randint(8, 16))
        if self.rng.random() < 0.5:
            return f'{speaker} said: "{said}"'
        return f'"{said[:-1]}," said {speaker}.'

    def entry_text(self, event: dict) -> str:
        text = self.sentence(event) + "."
        roll = self.rng.random()
        if roll < 0.15:
            text += " " + self.vocab.actor_name(self.rng, event["speaker"]) + " says that " + self.context(8)[:1].lower() \
                + self.context(8)[1:]
        elif roll < 0.6:
            text += " " + self.context(self.rng.randint(8, 20))
        return text

    # -- documents ------------------------------------------------------------------------------

    def window(self, start: dt.date, months: int) -> tuple[dt.date, dt.date, dt.date, dt.date]:
        """(coverage start, coverage end, first day, last day): whole months from `start`'s month, as a
        chronology header prints them, and the days inside the period that events may fall on."""
        first = start.replace(day=1)
        y, m = first.year, first.month + months
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        last = dt.date(y, m, 1) - dt.timedelta(days=1)
        return first, last, max(first, self.first_day), min(last, LAST_DAY)

    def chronology(self, index: int, size: int, start: dt.date, printed: bool):
        start, end, lo, hi = self.window(start, 4)
        events = sorted((self.pick(lo, hi) for _ in range(size)), key=lambda e: e["day"])
        head = f"China - Russia\n\nChronology from {SHORT[start.month - 1]} {start.year} to {SHORT[end.month - 1]} {end.year}\n\n"
        body = []
        self.truth[f"g{index:06d}"] = [event["id"] for event in events]
        for event in events:
            day = event["day"]
            label = f"{ABBR[day.month]} {day.day}, {day.year}" if printed else ""
            body.append(f"{label}: {self.entry_text(event)}")
        text = head + "\n\n".join(body) + "\n\nDate Range\n"
        kind = "printed" if printed else "stripped"
        return text, {
            "title": f"Synthetic China - Russia chronology {index} ({kind} dates)", "publisher": "bench generator",
            "published": f"{end.year}-{end.month:02d}", "coverage_start": start.isoformat(),
            "coverage_end": end.isoformat(), "format": "chronology"}

    def timeline(self, index: int, size: int, start: dt.date):
        start, end, lo, hi = self.window(start, 12)
        events = sorted((self.pick(lo, hi) for _ in range(size)), key=lambda e: e["day"])
        paras = [f"Watching China and Russia: synthetic timeline {index}",
                 "The following information is a timeline of key events. " + self.context(20)]
        self.truth[f"g{index:06d}"] = [event["id"] for event in events]
        for event in events:
            day = event["day"]
            category = self.rng.choice(CATEGORIES)
            paras.append(f"{category}: On {MONTH_NAMES[day.month - 1]} {day.day}, {day.year}, "
                         f"{self.sentence(event, capital=False)}. {self.context(self.rng.randint(6, 14))}")
        paras.append(self.context(25))
        return "\n\n".join(paras) + "\n", {
            "title": f"Synthetic timeline {index}", "publisher": "bench generator",
            "published": end.isoformat(), "coverage_start": start.isoformat(), "coverage_end": end.isoformat(),
            "format": "timeline"}

    def cue(self, day: dt.date, published: dt.date) -> tuple[str, str]:
        """(leading cue, inline cue) that the article parser resolves to exactly `day`."""
        back = (published - day).days
        roll = self.rng.random()
        if 0 <= back < 7 and roll < 0.5:
            name = WEEKDAYS[day.weekday()]
            return f"On {name}, ", f" on {name}"
        if 0 <= back < 300 and roll < 0.7 and not (day.month == 2 and day.day == 29):
            said = f"{MONTH_NAMES[day.month - 1]} {day.day}"
            return f"On {said}, ", f" on {said}"
        said = f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"
        return f"On {said}, ", f" on {said}"

    def article(self, index: int, size: int, start: dt.date):
        end = min(start + dt.timedelta(days=59), LAST_DAY)
        events = [self.pick(start, end) for _ in range(size)]
        self.truth[f"g{index:06d}"] = [event["id"] for event in events]
        paras = [f"{MONTH_NAMES[end.month - 1]} {end.day}, {end.year} Bench Dispatch No. {index}",
                 f"Synthetic report {index} on China and Russia"]
        for at in range(0, size, 3):
            sentences = []
            for event in events[at:at + 3]:
                lead, inline = self.cue(event["day"], end)
                if self.rng.random() < 0.5:
                    sentences.append(lead + self.sentence(event, capital=False) + ".")
                else:
                    sentences.append(self.sentence(event) + inline + ".")
                if self.rng.random() < 0.4:
                    sentences.append(self.context(self.rng.randint(7, 15)))
            paras.append(" ".join(sentences))
            if self.rng.random() < 0.2:
                paras.append(self.quote(events[at]))
        return "\n\n".join(paras) + "\n", {
            "title": f"Synthetic dispatch {index}", "publisher": "bench generator", "published": end.isoformat(),
            "coverage_start": start.isoformat(), "coverage_end": end.isoformat(), "format": "article"}

    def documents(self):
        """(file name, text, registry entry) per document, in the order of the start of its window.

        Writing documents in that order lets the pool of events open to re-reporting forget every day
        before the current window: the generator's memory stays flat whatever the corpus size."""
        rng = self.rng
        written = 0
        plans = []
        while written < self.total:
            size = min(rng.randint(*self.entries), self.total - written)
            plans.append((self.first_day + dt.timedelta(days=rng.randrange(self.days)), rng.random(), size))
            written += size
        plans.sort(key=lambda plan: plan[0])
        for index, (start, roll, size) in enumerate(plans, 1):
            self.prune(start.replace(day=1))
            if roll < 0.2:
                text, info = self.chronology(index, size, start, printed=False)
            elif roll < 0.45:
                text, info = self.chronology(index, size, start, printed=True)
            elif roll < 0.75:
                text, info = self.timeline(index, size, start)
            else:
                text, info = self.article(index, size, start)
            name = f"g{index:06d}-{info['format']}.txt"
            yield name, text, {"id": f"g{index:06d}", "file": name, **info}


def source_digest() -> str:
    """Digest of this file and the inputs it reads: a corpus made by another version is made again."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted([*(ROOT / "seeds").glob("*.txt"), *(ROOT / "curated").glob("*.yml")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


TRUTH_FILE = "truth.jsonl"  # beside seeds/ and curated/, never read by the loader

SEED_SPECIFIC = {
    "dates.yml": lambda data: {**data, "dates": []},
    "taxonomy.yml": lambda data: {**data, "overrides": []},
    "places.yml": lambda data: [{k: v for k, v in place.items() if k != "also_in"} for place in data],
}


def generate(events: int, out: Path, seed: int = 7, per_day: float = 40.0, entries: tuple[int, int] = (100, 500),
             seeds: Path = ROOT / "seeds", curated: Path = ROOT / "curated") -> dict:
    """Write the corpus into out/seeds and out/curated (emptied first); returns a summary."""
    corpus, dictionaries = out / "seeds", out / "curated"
    for folder in (corpus, dictionaries):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    for path in sorted(curated.glob("*.yml")):
        if path.name == "links.yml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name in SEED_SPECIFIC:  # decisions about the seed documents' own entries: not for this corpus
            data = SEED_SPECIFIC[path.name](data)
            (dictionaries / path.name).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        else:
            shutil.copyfile(path, dictionaries / path.name)
    generator = Generator(events, seed, per_day, Vocab(seeds, curated), entries)
    registry = []
    digest = hashlib.sha256()
    size = 0
    with (out / TRUTH_FILE).open("w", encoding="utf-8") as truth:
        for name, text, info in generator.documents():
            data = text.encode("utf-8")
            (corpus / name).write_bytes(data)
            digest.update(data)
            size += len(data)
            registry.append(info)
            # Which world event each entry reports, in the document's order: the linker's answer key.
            truth.write(json.dumps({"source": info["id"], "events": generator.truth.pop(info["id"])}) + "\n")
    header = (f"# Synthetic corpus from bench/generate.py: --events {events} --seed {seed} --per-day {per_day}\n"
              "# Generated; do not edit.\n")
    (corpus / "sources.yml").write_text(header + yaml.safe_dump(registry, sort_keys=False, allow_unicode=True),
                                     encoding="utf-8")
    return {"events": events, "documents": len(registry), "bytes": size, "sha256": digest.hexdigest(),
            "first_day": generator.first_day.isoformat(), "last_day": LAST_DAY.isoformat()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10000, help="event reports to write (default 10000)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write seeds/ and curated/ in")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-day", type=float, default=40.0, help="event reports per day of the period (default 40)")
    parser.add_argument("--entries", default="100-500", help="entries per document, MIN-MAX (default 100-500)")
    args = parser.parse_args(argv)
    low, high = (int(x) for x in args.entries.split("-"))
    summary = generate(args.events, args.out, args.seed, args.per_day, (low, high))
    print(" ".join(f"{k}={v}" for k, v in summary.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
