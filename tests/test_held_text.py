"""What the build holds of a report's text while it runs: each document's text once, in the database
being built; a report's excerpt and its event's summary are read back from it (`text[start:end]`), not
held as strings of their own. What ends up in the database is the same (the dump tests and
test_build's offsets test); these pin the reading back itself."""
import hashlib

from loader.database import SourceStore, temporary_database
from loader.enrich.events import events_from_clusters, piece_of
from loader.model import Document, Mention, SourceInfo, StoredMention, piece

TEXT = "Chronology\n\nMay 16: Putin arrives in Beijing for a state visit.\n\nMay 17: He visits Harbin.\n"


def document(source_id: str, text: str = TEXT) -> Document:
    return Document(SourceInfo(source_id, f"{source_id}.txt", format="chronology"), text,
                    hashlib.sha256(text.encode()).hexdigest())


def mention_of(source_id: str, text: str, excerpt: str, position: int = 1) -> Mention:
    start = text.index(excerpt)
    return Mention(source_id, position, start, start + len(excerpt), excerpt, text.count("\n", 0, start) + 1)


def test_a_held_mention_reads_its_excerpt_from_the_kept_text_and_holds_no_copy(tmp_path):
    with temporary_database(tmp_path / "events.db") as building:
        store = SourceStore(building)
        store.add(document("visit-2024"))
        mention = mention_of("visit-2024", TEXT, "Putin arrives in Beijing for a state visit.")
        store.hold_excerpts([mention])
        assert type(mention) is StoredMention
        assert mention.excerpt == "Putin arrives in Beijing for a state visit."
        assert Mention.__dict__["excerpt"].__get__(mention) is store  # its slot holds the store, not a string
        mention.excerpt = "a string assigned is held as given"
        assert mention.excerpt == "a string assigned is held as given"
        building.discard()


def test_a_mention_whose_excerpt_is_not_its_text_at_its_offsets_keeps_its_own(tmp_path):
    with temporary_database(tmp_path / "events.db") as building:
        store = SourceStore(building)
        store.add(document("visit-2024"))
        mention = mention_of("visit-2024", TEXT, "He visits Harbin.")
        mention.excerpt = "He  visits Harbin."  # not what the text holds there (a parser's slip)
        store.hold_excerpts([mention])
        assert type(mention) is Mention and mention.excerpt == "He  visits Harbin."
        building.discard()


def test_the_store_keeps_only_the_texts_read_last_and_reads_the_others_again(tmp_path):
    with temporary_database(tmp_path / "events.db") as building:
        store = SourceStore(building)
        count = SourceStore.CACHED + 5
        texts = {f"doc-{n:02}": f"Entry {n}: Lavrov meets Wang Yi in Astana.\n" for n in range(count)}
        for source_id, text in texts.items():
            store.add(document(source_id, text))
        mentions = [mention_of(source_id, text, "Lavrov meets Wang Yi") for source_id, text in texts.items()]
        store.hold_excerpts(mentions)
        for _ in range(2):  # the second round reads back every text the first let go
            assert [m.excerpt for m in mentions] == ["Lavrov meets Wang Yi"] * count
            assert len(store.texts) == SourceStore.CACHED
        assert store.get("doc-00") == texts["doc-00"]
        building.discard()


def test_a_summary_that_is_a_piece_of_the_excerpt_is_held_as_where_it_lies():
    excerpt = "On May 16, 2024, Putin arrived in Beijing. He met Xi Jinping."
    assert piece_of(excerpt, "Putin arrived in Beijing.") == piece(17, 42)
    assert piece_of(excerpt, excerpt) is None, "the whole excerpt: nothing held"
    assert piece_of(excerpt, "The Russian president arrived.") == "The Russian president arrived."
    assert piece_of(excerpt, "") == ""
    mention = mention_of("visit-2024", excerpt, excerpt)
    mention.lead = len("On May 16, 2024, ")
    [event] = events_from_clusters([[mention]], {"visit-2024": "timeline"})
    assert event.summary_span == (17, 42) and type(event.summary_piece) is int
    assert event.summary == "Putin arrived in Beijing."
    assert event.description == excerpt
    whole = mention_of("visit-2024", "Putin arrived in Beijing.", "Putin arrived in Beijing.")  # one sentence
    [event] = events_from_clusters([[whole]], {"visit-2024": "timeline"})
    assert event.summary_piece is None, "the whole excerpt: nothing held"
    assert event.summary == "Putin arrived in Beijing." and event.summary_span == (0, 25)


def test_a_piece_too_long_for_one_number_is_held_as_text():
    assert piece(0, 1 << 24) is None and piece(3, 2) is None
    long = "x" * (1 << 24) + " Putin arrived in Beijing."
    assert piece_of(long, "Putin arrived in Beijing.") == "Putin arrived in Beijing."
