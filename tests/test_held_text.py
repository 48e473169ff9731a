"""What the build holds of a report's text while it runs: each document's text once, in the database
being built; a report's excerpt and its event's summary are read back from it (`text[start:end]`), not
held as strings of their own. What ends up in the database is the same (the dump tests and
test_build's offsets test); these pin the reading back itself."""
import hashlib

from loader.database import HeldDocument, SourceStore, temporary_database
from loader.enrich.events import events_from_clusters, piece_of
from loader.model import ActorMatch, Document, Mention, SourceInfo, StoredMention, piece

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
        record = Mention.__dict__["excerpt"].__get__(mention)
        assert type(record) is HeldDocument and record.store is store  # its document's record, not a string
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


def test_a_documents_held_mentions_share_one_record_for_their_excerpts_and_matches():
    """Each held mention's two slots point to its document's record (a HeldDocument), which keeps the
    handle of its matches by position: no object of its own per mention, and the matches come back equal,
    whichever document, whichever order they are asked in. A second mention at a position already held
    (never made by a parser) keeps its own matches rather than take the first one's."""
    other = "Digest\n\nJune 3: Lavrov meets Wang Yi in Astana.\n"
    store = SourceStore()
    store.add(document("visit-2024"))
    store.add(document("digest-2024", other))
    arrives = mention_of("visit-2024", TEXT, "Putin arrives in Beijing", 1)
    visits = mention_of("visit-2024", TEXT, "He visits Harbin.", 2)
    meets = mention_of("digest-2024", other, "Lavrov meets Wang Yi", 1)
    again = mention_of("digest-2024", other, "Wang Yi", 1)
    arrives.actors = (ActorMatch("vladimir-putin", "subject", 0, 5, "Putin"),)
    visits.actors = (ActorMatch("vladimir-putin", "subject", 0, 2, "He"), ActorMatch("harbin", "place", 10, 16, "Harbin"))
    meets.actors = (ActorMatch("sergei-lavrov", "participant", 0, 6, "Lavrov"),)
    again.actors = (ActorMatch("wang-yi", "participant", 0, 7, "Wang Yi"),)
    mentions = [visits, meets, arrives, again]
    before = [list(m.actors) for m in mentions]
    store.hold_excerpts(mentions)
    slot = {name: Mention.__dict__[name].__get__ for name in ("excerpt", "actors")}
    visit_record, digest_record = slot["excerpt"](arrives), slot["excerpt"](meets)
    assert type(visit_record) is HeldDocument and visit_record is not digest_record
    for mention, record in ((arrives, visit_record), (visits, visit_record), (meets, digest_record)):
        assert slot["excerpt"](mention) is record and slot["actors"](mention) is record
    assert type(slot["actors"](again)) is tuple, "a position already held: its own matches"
    assert [list(m.actors) for m in reversed(mentions)] == before[::-1]
    assert [m.excerpt for m in mentions] == ["He visits Harbin.", "Lavrov meets Wang Yi", "Putin arrives in Beijing",
                                             "Wang Yi"]


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


def test_an_event_id_is_e_and_eleven_hex_digits_of_a_hash_of_its_first_report_held_as_a_number():
    visit = mention_of("visit-2024", TEXT, "Putin arrives in Beijing for a state visit.")
    again = mention_of("visit-2024-copy", TEXT, "Putin arrives in Beijing for a state visit.")
    harbin = mention_of("visit-2024", TEXT, "He visits Harbin.", position=2)
    alone, together = events_from_clusters([[harbin], [visit, again]], {})
    # Stable across builds: what a reader can recompute from the source id and the excerpt.
    digest = hashlib.sha1("visit-2024\nHe visits Harbin.\n0".encode()).hexdigest()
    assert alone.id == "e" + digest[:11]
    assert type(alone.number) is int and alone.number == int(digest[:11], 16)
    assert together.id.startswith("e") and len(together.id) == 12


def test_an_event_of_one_report_holds_it_without_a_tuple_and_gives_its_mentions_as_one():
    visit = mention_of("visit-2024", TEXT, "Putin arrives in Beijing for a state visit.")
    again = mention_of("visit-2024-copy", TEXT, "Putin arrives in Beijing for a state visit.")
    harbin = mention_of("visit-2024", TEXT, "He visits Harbin.", position=2)
    alone, together = events_from_clusters([[harbin], [visit, again]], {})
    assert alone.reports is harbin and alone.mentions == (harbin,) and alone.first is harbin
    assert together.reports == (visit, again) and together.mentions == (visit, again) and together.first is visit
    assert alone.summary == "He visits Harbin." and alone.description == "He visits Harbin."


def test_equal_date_bounds_are_held_once_and_bounds_that_differ_in_any_field_are_not():
    from loader.build import Shared
    from loader.model import DateBounds

    def bounds(**changes):
        fields = dict(earliest="2024-05-16", latest="2024-05-16", precision="day", method="explicit",
                      evidence="".join(["printed in the entry: ", "May 16"]))  # a string made anew each time
        return DateBounds(**{**fields, **changes})

    shared = Shared()
    first = shared.date(bounds())
    assert shared.date(bounds()) is first
    for changed in (dict(latest="2024-05-17"), dict(end="2024-05-18"), dict(method="relative"),
                    dict(evidence="read against the document's date"), dict(conflict=True)):
        other = shared.date(bounds(**changed))
        assert other is not first and other == bounds(**changed)
    assert shared.date(None) is None


def test_an_events_mentions_set_again_are_held_as_its_reports_are():
    visit = mention_of("visit-2024", TEXT, "Putin arrives in Beijing for a state visit.")
    harbin = mention_of("visit-2024", TEXT, "He visits Harbin.", position=2)
    event, = events_from_clusters([[visit]], {})
    event.mentions = [visit, harbin]
    assert event.reports == (visit, harbin) and event.mentions == (visit, harbin)
    event.mentions = [harbin]
    assert event.reports is harbin and event.mentions == (harbin,)


def test_a_documents_statements_wait_in_the_database_being_built_not_in_memory(tmp_path):
    from array import array
    found = array("q", [0, 10, 42, 3, 0, 9, 3, 0, 10, 42, -1, -1])  # one statement (enrich.statements.DRAFT ints)
    with temporary_database(tmp_path / "events.db") as building:
        store = SourceStore(building)
        store.keep_drafts("visit-2024", found)
        store.keep_drafts("quiet-2024", array("q"))  # quotes no one: nothing kept
        assert store.speaking == ["visit-2024"]
        assert store._drafts == {}  # none held in memory
        assert store.drafts("visit-2024") == found
        assert store.drafts("quiet-2024") == array("q")
        building.discard()
    in_memory = SourceStore()
    in_memory.keep_drafts("visit-2024", found)
    assert in_memory.speaking == ["visit-2024"] and in_memory.drafts("visit-2024") == found


def test_a_reports_strongest_link_is_curated_first_then_the_highest_score_and_equal_ones_share_one_pair():
    # What the event_sources row of a linked report gives as its link (method, score), held through the
    # dates stage: the links with the same method and score hold one (method, score) pair between them.
    from loader.database import StrongestLinks
    from loader.enrich.link import PairScore

    def report(source_id: str, position: int) -> Mention:
        return Mention(source_id, position, 0, 1, "x", 1)

    a1, a2, b1, b2, c1, c2 = (report(source, position) for source in "abc" for position in (1, 2))
    score = 0.8125
    links = [PairScore(a1, b1, 0.5, 1.0, None, None, score), PairScore(a2, b2, 0.5, 1.0, None, None, score),
             PairScore(b2, c2, 0.5, 1.0, None, None, score), PairScore(a1, c1, 0.5, 1.0, None, None, 0.9),
             PairScore(b1, c1, 0.5, 1.0, None, None, 0.4, method="curated")]
    strongest = StrongestLinks(links)
    assert strongest.of(a1) == ("score", 0.9)
    assert strongest.of(b1) == strongest.of(c1) == ("curated", 0.4)
    assert strongest.of(a2) == strongest.of(c2) == ("score", score)
    assert strongest.of(a2) is strongest.of(c2)  # two links, one pair held
    assert strongest.of(report("d", 1)) is None
