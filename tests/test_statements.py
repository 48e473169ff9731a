"""Statements: who said what, verbatim, when, and the event it belongs to."""
from contextlib import closing

from conftest import build_documents, connect


def statement(conn, source_id, text):
    rows = conn.execute("select * from statements where source_id = ? and text like ?", (source_id, f"%{text}%")).fetchall()
    assert len(rows) == 1, (source_id, text, [dict(r) for r in rows])
    return rows[0]


def test_every_statement_is_the_verbatim_span_of_its_source(conn):
    rows = conn.execute(
        """select st.text, substr(s.text, st.start_offset + 1, st.end_offset - st.start_offset) as span
           from statements st join sources s on s.id = st.source_id""").fetchall()
    assert len(rows) >= 20
    assert all(r["text"] == r["span"] for r in rows)


def test_xi_responded_is_xis_statement_at_the_dec_15_summit(conn):
    row = statement(conn, "memri-sd-9684", "Our countries are acting as responsible powers should")
    assert row["speaker_id"] == "xi-jinping" and row["kind"] == "block"
    assert row["text"].endswith("a common destiny for humanity.")  # the quotation runs over two paragraphs
    assert (row["date_earliest"], row["date_latest"]) == ("2021-12-15", "2021-12-15")
    summit = conn.execute("select event_id from event_sources where excerpt like '%held a video conference on December 15, 2021%'").fetchone()[0]
    assert row["event_id"] == summit


def test_putins_quotation_after_putin_said_runs_until_the_quotation_closes(conn):
    row = statement(conn, "memri-sd-9684", "This year Russia-China relations have been dominated")
    assert row["speaker_id"] == "vladimir-putin"
    assert row["text"].endswith("They know how to do things in China.")
    assert "Xi responded" not in row["text"]


def test_said_ushakov_ends_the_quotation_and_a_footnote_dates_it(conn):
    row = statement(conn, "memri-sd-9684", "we will keep our Chinese colleagues informed")
    assert row["text"].endswith("on this issue will unfold")
    assert "Ushakov" in (row["speaker_text"] or "") or row["speaker_id"] == "yuri-ushakov"
    assert (row["date_earliest"], row["date_latest"]) == ("2021-12-15", "2021-12-15")


def test_lavrov_says_that_is_lavrovs_quotation_in_its_chronology_entry(conn):
    row = statement(conn, "cc-2021-sep-dec", "considers Taiwan to be part of the People’s Republic of China")
    event = conn.execute("select event_id from event_sources where excerpt like 'Russian FM Lavrov says that%'").fetchone()[0]
    assert row["event_id"] == event and row["kind"] == "quotation"
    assert row["speaker_text"] == "Lavrov"


def test_a_claim_without_quotation_marks_keeps_its_speaker(conn):
    row = statement(conn, "cc-2020-sep-dec", "Russia would not pressure China to join arms control talks")
    assert row["kind"] == "claim" and row["speaker_text"] == "Lavrov"


def test_a_statement_without_a_date_of_its_own_is_bounded_by_its_document(conn):
    row = statement(conn, "memri-sd-9684", "This comes from martial arts")
    assert row["date_latest"] == "2021-12-17" and row["event_id"] is None
    assert "on or before the document's date" in row["date_evidence"]


def test_news_page_headlines_are_not_statements(conn):
    assert not conn.execute("select 1 from statements where text like '%very troubling%'").fetchall()


def test_statements_are_searchable_in_datasette(served):
    data = served("/events/search_statements.json?q=martial+arts&_shape=objects").json()
    assert data["ok"] is True and len(data["rows"]) == 1
    assert "**martial**" in data["rows"][0]["snippet"]
    table = served("/events/statements.json?_search=Taiwan&_shape=objects").json()
    assert table["rows"]


def test_a_quotation_inside_a_paragraph_that_quotes_an_article_is_attributed_by_the_words_before_it(tmp_path):
    """A paragraph that opens a quotation and never closes it (a quoted article's paragraph) is not a
    statement itself; a quotation inside it is, with the speaker named before it from the paragraph's start."""
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "quoted-article-2024.txt").write_text(
        "September 2, 2024 Talks in Moscow\n\n"
        "Written for the project's tests.\n\n"
        "\"Foreign Minister Sergey Lavrov told reporters on July 9, 2024, ‘our partnership with China has never "
        "been stronger’ during the talks in Moscow.\n", encoding="utf-8")
    with closing(connect(build_documents(documents, tmp_path / "build"))) as conn:
        row = statement(conn, "quoted-article-2024", "our partnership with China")
    assert row["text"] == "our partnership with China has never been stronger"
    assert row["kind"] == "quotation" and row["speaker_id"] == "sergey-lavrov"
