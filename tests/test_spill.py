"""The documents' dating waits on disk while the links are made (loader/spill.py): what is read back is
what was put there, on the very mentions the build holds, and nothing of it stays in memory or on disk."""
from __future__ import annotations

import dataclasses
import gc
import weakref

import pytest

from loader.enrich.curated_dates import load_curated_dates
from loader.enrich.dates import date_document
from loader.database import SourceStore
from loader.model import ActorMatch, Document, SourceInfo, StoredMention
from loader.parse import chronology
from loader.spill import Datings, pickled

# Constructed in our own words from the public record (entries newest first, undated ones between dated
# ones): Putin's visit to Harbin for the China-Russia Expo (17 May 2024), his talks with Xi Jinping in
# Beijing (16 May 2024), the defence ministers' meeting at the SCO gathering in Astana (26 April 2024) and
# Lavrov's talks with Wang Yi in Beijing (9 April 2024).
HARBIN = """China - Russia

Chronology from Apr 2024 to May 2024

: Vladimir Putin tours Harbin and opens the eighth China-Russia Expo there.

May 16, 2024: Xi Jinping and Vladimir Putin hold talks in Beijing.

: Dong Jun and Sergei Shoigu meet beside a gathering of SCO defence ministers in Astana.

Apr. 9, 2024: Sergei Lavrov and Wang Yi hold talks in Beijing.
"""


def read(text: str = HARBIN, source_id: str = "harbin-2024", curated=None):
    parsed = chronology.parse(text, f"{source_id}.txt")
    for mention in parsed.mentions:
        mention.source_id = source_id
    info = SourceInfo(id=source_id, file=f"{source_id}.txt", format="chronology")
    return parsed.mentions, date_document(parsed.mentions, info, parsed.header, curated)


def described(dated) -> list:
    """What the write reads of a dating: each entry's report and bounds, in words."""
    return [(entry.mention.position, dated.bounds(entry)) for entry in dated.entries]


@pytest.mark.parametrize("from_a_worker", [False, True], ids=["main process", "worker"])
def test_a_dating_read_back_from_disk_is_the_one_put_there_on_the_mentions_the_build_holds(tmp_path, from_a_worker):
    mentions, dated = read()
    expected = described(dated)
    assert [bounds.method for _, bounds in expected] == ["order", "explicit", "order", "explicit"]
    store = Datings(tmp_path)
    store.add(pickled(dated, mentions) if from_a_worker else dated, mentions)
    held = weakref.ref(dated)
    del dated
    gc.collect()
    assert held() is None, "the store keeps no dating in memory until it is asked for"
    assert list(tmp_path.iterdir()) == [], "the file it writes has no name: nothing to clean up after a failed build"

    (back,) = store.documents(lambda source_id: mentions if source_id == "harbin-2024" else [])
    assert described(back) == expected
    for entry, mention in zip(back.entries, mentions):
        # The very objects: the dates stage's changes to them are what the write reads.
        assert entry.mention is mention
        assert entry.lo.entry in mentions and entry.hi.entry in mentions
    assert store.documents(lambda source_id: []) is store.documents(lambda source_id: []), "read back once"


def test_datings_read_back_in_the_order_they_came_each_onto_its_own_document(tmp_path):
    first_mentions, first = read(source_id="harbin-a")
    second_mentions, second = read(source_id="harbin-b")
    store = Datings(tmp_path)
    store.add(first, first_mentions)
    store.add(pickled(second, second_mentions), second_mentions)
    by_source = {"harbin-a": first_mentions, "harbin-b": second_mentions}
    back = store.documents(by_source.__getitem__)
    assert [dated.source_id for dated in back] == ["harbin-a", "harbin-b"]
    assert all(entry.mention in by_source[dated.source_id] for dated in back for entry in dated.entries)


def test_without_a_directory_the_datings_stay_in_memory_as_made(tmp_path):
    mentions, dated = read()
    store = Datings()
    store.add(dated, mentions)
    assert not store.spilled
    assert store.documents(lambda source_id: []) == [dated] and store.documents(lambda source_id: [])[0] is dated


CURATED_HARBIN = """dates:
  - source: harbin-2024
    position: 1
    excerpt: Vladimir Putin tours Harbin
    date: 2024-05-17
    citation: "President of Russia (kremlin.ru), 'Visit to Harbin', 17 May 2024"
"""


@pytest.mark.parametrize("from_a_worker", [False, True], ids=["main process", "worker"])
def test_a_curated_entry_is_noticed_without_reading_the_datings_back(tmp_path, from_a_worker):
    """`curated_contradictions` reads every dating, but only when a document has a curated entry to judge:
    the store says whether one has, so the datings stay on disk through the links when none has."""
    (tmp_path / "dates.yml").write_text(CURATED_HARBIN, encoding="utf-8")
    spill = tmp_path / "spill"
    spill.mkdir()
    for curated, judged in ((None, False), (load_curated_dates(tmp_path / "dates.yml"), True)):
        mentions, dated = read(curated=curated)
        assert (dated.entries[0].curated is not None) == judged
        store = Datings(spill)
        store.add(pickled(dated, mentions) if from_a_worker else dated, mentions)
        assert store.judged == judged



def test_a_held_mentions_actors_come_back_equal_in_order_from_numbers():
    """Once its document is read, a mention holds its actor matches as numbers (model.StoredMention,
    spill.PackedActors): it gives equal matches back, in order, each time, the equal `about` tuples
    shared; it holds no match object meanwhile; and a copy, or an excerpt set as a string, keeps them."""
    mentions, _ = read()
    lavrov = ActorMatch("sergei-lavrov", "participant", 10, 24, "Sergei Lavrov", evidence="an alias")
    wang = ActorMatch("wang-yi", "participant", 29, 35, "Wang Yi")
    mentions[0].actors = (ActorMatch("vladimir-putin", "subject", 300, 314, "Vladimir Putin"),)
    mentions[3].actors = (lavrov, wang, lavrov.replace(start=900, end=914))
    before = [list(m.actors) for m in mentions]
    store = SourceStore()
    store.add(Document(SourceInfo(id="harbin-2024", file="harbin-2024.txt"), HARBIN, "sha"))
    store.hold_excerpts(mentions)
    assert all(isinstance(m, StoredMention) for m in mentions)
    assert [list(m.actors) for m in mentions] == before
    assert not any(isinstance(held, (ActorMatch, tuple)) and held for m in mentions for held in gc.get_referents(m)), \
        "no match, and no tuple of them, held by a mention"
    first, _, third = mentions[3].actors
    assert first.about is third.about, "one tuple per distinct about"
    copy = dataclasses.replace(mentions[3], line=99)
    assert list(copy.actors) == before[3] and copy.line == 99
    mentions[3].excerpt = "Sergei Lavrov and Wang Yi hold talks."
    assert list(mentions[3].actors) == before[3], "the actors come back to the mention before the store goes"
