"""The benchmark's corpus generator (and what the loader makes of its corpus), and the linker's pair
enumeration on it. No timing is asserted here: speed and memory are measured by `make bench`."""
from __future__ import annotations

import dataclasses
import importlib.util
import pickle
import sqlite3
from array import array
from collections import Counter, defaultdict

import pytest

from conftest import ROOT, SEEDS, run_build
from loader.build import collect
from loader.enrich import link
from loader.enrich.places import load_places
from loader.enrich.link import DATE_SLACK, Scorer, _shifted, candidate_pairs, load_vocabulary, overlaps, span

spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)

REPORTS = 400
ENTRIES = (10, 40)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    summary = generate.generate(REPORTS, out, seed=11, entries=ENTRIES)
    return out, summary


def test_the_generator_is_deterministic(corpus, tmp_path):
    out, summary = corpus
    again = generate.generate(REPORTS, tmp_path / "again", seed=11, entries=ENTRIES)
    other = generate.generate(REPORTS, tmp_path / "other", seed=12, entries=ENTRIES)
    assert again["sha256"] == summary["sha256"]
    assert other["sha256"] != summary["sha256"]
    assert sorted(p.name for p in (out / "seeds").iterdir()) == sorted(p.name for p in (tmp_path / "again" / "seeds").iterdir())


def test_the_loader_builds_every_generated_report_without_warnings(corpus, tmp_path):
    out, summary = corpus
    db = tmp_path / "events.db"
    result = run_build(out / "seeds", db, "--quiet", curated=out / "curated")
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from event_sources").fetchone()[0] == REPORTS
    assert conn.execute("select count(*) from build_problems").fetchone()[0] == 0
    formats = {row[0] for row in conn.execute("select distinct format from sources")}
    assert formats == {"chronology", "timeline", "article"}
    methods = {row[0] for row in conn.execute("select distinct date_method from events")}
    assert {"explicit", "relative"} <= methods and methods & {"coverage", "order"}  # stripped dates bounded
    assert conn.execute("select count(*) from event_actors").fetchone()[0] > 0
    assert conn.execute("select count(*) from statements").fetchone()[0] > 0


def reference_pairs(mentions, scorer):
    """The enumeration written plainly: every pair of every block, a set of the pairs already compared.

    A key blocks a pair when it is rare around the member that starts first (its span widened by
    DATE_SLACK days; ties go to the earlier in `mentions`): at most MAX_BLOCK of the key's members
    start from BLOCK_DAYS before that member's start to BLOCK_DAYS after it or its span's end."""
    blocks = defaultdict(list)
    for mention in mentions:
        for key in scorer.blocking_keys(mention):
            blocks[key].append(mention)
    index = {m.key: i for i, m in enumerate(mentions)}

    def start(m):
        return _shifted(span(m)[0], -DATE_SLACK)

    def rare_around(members, m):
        first, last = _shifted(start(m), -link.BLOCK_DAYS), max(span(m)[1], _shifted(start(m), link.BLOCK_DAYS))
        return sum(first <= start(x) <= last for x in members) <= link.MAX_BLOCK

    seen = set()
    for key in sorted(blocks):
        members = blocks[key]
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                pair = (a.key, b.key) if a.key < b.key else (b.key, a.key)
                if pair in seen:
                    continue
                if not rare_around(members, min(a, b, key=lambda m: (start(m), index[m.key]))):
                    continue
                seen.add(pair)
                if a.source_id == b.source_id:
                    continue
                if overlaps(a, b):
                    yield (a, b) if a.key < b.key else (b, a)


def built_mentions(which: str, corpus) -> tuple[list, object]:
    """Every mention the build makes of the seeds or of the generated corpus, in the order of their keys,
    and the curated folder it read."""
    out, _ = corpus
    seeds, curated = (SEEDS, ROOT / "curated") if which == "seeds" else (out / "seeds", out / "curated")
    data = collect(seeds, curated)
    return sorted((m for e in data.events for m in e.mentions), key=lambda m: m.key), curated


@pytest.mark.parametrize("which, cap", [("seeds", None), ("generated", None), ("seeds", (4, 20)), ("generated", (12, 3))])
def test_pair_enumeration_without_a_seen_set_gives_the_same_pairs_each_once(which, cap, corpus, monkeypatch):
    # The order pairs come in does not reach the database (the linker sorts what it scored by score and
    # keys); which pairs, each once, and a stable order, do. With a small cap (MAX_BLOCK, BLOCK_DAYS)
    # many keys are common in some weeks and rare in others: the rule that counts around each mention.
    if cap:
        monkeypatch.setattr(link, "MAX_BLOCK", cap[0])
        monkeypatch.setattr(link, "BLOCK_DAYS", cap[1])
    mentions, curated = built_mentions(which, corpus)
    scorer = Scorer(mentions, load_vocabulary(curated / "linking.yml"))
    expected = [(a.key, b.key) for a, b in reference_pairs(mentions, scorer)]
    assert expected
    found = [(a.key, b.key) for a, b in candidate_pairs(mentions, scorer)]
    assert len(found) == len(set(found))
    assert sorted(found) == sorted(expected)
    assert [(a.key, b.key) for a, b in candidate_pairs(mentions, scorer)] == found


@pytest.mark.parametrize("which", ["seeds", "generated"])
def test_the_blocking_keys_are_the_words_places_actors_and_day_each_one_number(which, corpus):
    # A mention's blocking keys: its words (not the tokens of actors, "@", or places, "#"), its places, its
    # actors, and its day when it is known to the day. The blocks are made from them as numbers
    # (link.BlockingKeyIds): as many numbers as keys, and one key always gets one number, another another.
    mentions, curated = built_mentions(which, corpus)
    gazetteer = load_places(curated / "places.yml", gazetteer=False)  # the places fold into tokens, as in a build
    places = {alias: place.id for place in gazetteer.places.values() for alias in place.aliases}
    scorer = Scorer(mentions, dataclasses.replace(load_vocabulary(curated / "linking.yml"), places=places))
    ids = scorer.key_ids()
    number_of: dict[str, int] = {}
    for i, mention in enumerate(mentions):
        profile = scorer.held.profile(i)
        expected = ({f"w:{w}" for w in profile.words if w[0] not in "@#"} | {f"p:{p[1:]}" for p in profile.places}
                    | {f"a:{a}" for a in profile.actors} | ({f"d:{mention.date.earliest}"} if link.days_of(mention) == 1 else set()))
        assert scorer.blocking_keys(mention) == expected, mention.key
        numbers = ids.of(i, link._facts_of(mention))
        assert len(numbers) == len(set(numbers)) == len(expected), mention.key
        for n in numbers:
            assert number_of.setdefault(ids.name(n), n) == n
    assert len(set(number_of.values())) == len(number_of)
    assert {key[:2] for key in number_of} == {"w:", "p:", "a:", "d:"}
    # Worked out once, then read as numbers (a forked process reads them again, and would copy every page
    # of a Python object it touched): the same keys again, nothing numbered or stored twice.
    held = (len(ids.other), len(ids.set_keys))
    for i, mention in enumerate(mentions):
        again = ids.of(i, link._facts_of(mention))
        assert {ids.name(n) for n in again} == scorer.blocking_keys(mention)
    assert (len(ids.other), len(ids.set_keys)) == held
    assert all(type(store) is array for store in (ids.set_keys, ids.run_start, ids.run_end, ids.day_key))


@pytest.mark.parametrize("which", ["seeds", "generated"])
def test_a_pair_scored_against_a_threshold_is_dropped_only_when_its_full_score_falls_below_it(which, corpus):
    # The linker scores the pairs blocking proposes against CANDIDATE_AT and skips comparing the texts of
    # a pair that no text could lift to it. Against any threshold, and against each pair's own score (the
    # closest call: a total just below a figure that rounds up to it), a pair scored with the threshold is
    # the pair scored in full, every figure the same, or nothing when its full score falls below it.
    mentions, curated = built_mentions(which, corpus)
    scorer = Scorer(mentions, load_vocabulary(curated / "linking.yml"))
    full = [scorer.score(a, b) for a, b in candidate_pairs(mentions, scorer)]
    assert any(p.score >= link.LINK_AT for p in full) and any(p.score < link.CANDIDATE_AT for p in full)
    for pair in full:
        for at_least in (pair.score, round(pair.score + 0.0001, 4), link.CANDIDATE_AT, link.LINK_AT):
            found = scorer.score(pair.a, pair.b, at_least=at_least)
            assert found == (pair if pair.score >= at_least else None), (pair, at_least)


@pytest.mark.parametrize("which", ["seeds", "generated"])
def test_each_mention_is_passed_once_after_its_last_pair_in_the_order_of_its_start(which, corpus):
    # The scorer makes a mention's profile when its first pair comes and lets it go once the mention is
    # passed: no pair after that may read it. Passed in the order of their spans' starts, what is held at
    # once is the mentions whose spans meet the current one's, not the corpus.
    mentions, curated = built_mentions(which, corpus)
    scorer = Scorer(mentions, load_vocabulary(curated / "linking.yml"))
    passed, done, pairs = [], set(), 0
    for i, j, own in link._candidate_indices(mentions, scorer, passed=lambda i: (passed.append(i), done.add(i))):
        assert own in (i, j) and not {i, j} & done, "a passed mention comes again"
        pairs += 1
    assert pairs and sorted(passed) == list(range(len(mentions)))
    starts = [span(mentions[i])[0] for i in passed]
    assert starts == sorted(starts)


@pytest.mark.parametrize("which", ["seeds", "generated"])
def test_a_profile_made_again_from_the_numbers_held_is_the_reading_it_was_made_from(which, corpus):
    mentions, curated = built_mentions(which, corpus)
    vocabulary = load_vocabulary(curated / "linking.yml")
    readings = link.read_for_linking(mentions, vocabulary)
    held = link.HeldProfiles()
    for reading in readings.mentions:
        held.add(reading)
    assert len(held) == len(mentions)
    repeated = 0
    for i, reading in enumerate(readings.mentions):
        profile = held.profile(i)
        counts = Counter(reading.words)
        assert list(profile.counted()) == [(w, counts[w]) for w in dict.fromkeys(reading.words)]
        repeated += profile.repeats is not None
        for name in held.SETS:
            assert getattr(profile, name) == getattr(reading, name), name
    assert repeated, "some first sentence repeats a word"


def test_the_strings_of_the_held_sets_are_held_once_and_sealed_profiles_take_no_more():
    # Two documents' readings arrive with their own copies of a name (pickled by their workers): the
    # sets made of them hold one string between them. Once the scorer has taken the profiles (seal),
    # the maps that only adding reads are let go, and adding again is refused rather than numbered anew.
    def reading(*names: str) -> link.MentionReading:
        return link.MentionReading(["summit"], frozenset(), frozenset(), frozenset(), frozenset(), frozenset(),
                                   frozenset(pickle.loads(pickle.dumps(name)) for name in names))
    first, second = reading("Tanvo", "Zhentro"), reading("Tanvo")
    held = link.HeldProfiles()
    held.add(first)
    held.add(second)
    (tanvo_first,) = [n for n in held.set_of(0, "names") if n == "Tanvo"]
    (tanvo_second,) = held.set_of(1, "names")
    assert tanvo_first is tanvo_second
    assert held.set_of(0, "names") == {"Tanvo", "Zhentro"}
    held.seal()
    with pytest.raises(RuntimeError):
        held.add(reading("Ulaanbaatar"))
    assert held.profile(1).names == {"Tanvo"}


@pytest.mark.parametrize("which", ["seeds", "generated"])
def test_two_processes_score_the_same_pairs_with_the_same_figures_as_one(which, corpus, monkeypatch):
    # Every pair blocking proposes is kept here (CANDIDATE_AT below any score), so a pair the split
    # between the two processes lost or scored twice shows.
    mentions, curated = built_mentions(which, corpus)
    vocabulary = load_vocabulary(curated / "linking.yml")
    monkeypatch.setattr(link, "CANDIDATE_AT", -2.0)
    monkeypatch.setattr(link, "FORK_AT", 0)
    monkeypatch.setattr(link, "PART_RANKS", 7)  # runs dealt in turn to the two processes: many runs each

    def scored(workers):
        pairs = link._score_candidates(mentions, Scorer(mentions, vocabulary), workers)
        return sorted((p.a.key, p.b.key, p.text, p.date, p.actors, p.kind, p.score, p.place, p.names, p.gap, p.named)
                      for p in pairs)

    one = scored(1)
    assert len(one) == len(list(candidate_pairs(mentions, Scorer(mentions, vocabulary))))
    assert scored(2) == one
