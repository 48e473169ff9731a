"""Summaries stand on their own: an event's summary names its subject and opens with neither a
conjunction nor a stray quotation mark; the excerpt stays verbatim, and `summary_method` says whether
the summary is the excerpt itself or derived from it (`summary_evidence` says how)."""
import re
import shutil
import sqlite3

import pytest

from conftest import MEMRI, ROOT, SCMP, event_named, run_build, seed_text

DOCUMENTS = ROOT / "tests" / "documents" / "summaries"
OWN = "summaries-article-2024.txt"  # our own article: real events of 2024, names the seeds never use
OPENS_BADLY = re.compile(r"""^(?:["'“”‘’«»]|(?:and|but|or|nor|yet)\b)""", re.IGNORECASE)


def summary_of(conn, source, text):
    event = event_named(conn, source, text)
    return event["summary"], event["summary_method"], event["summary_evidence"], event["excerpt"]


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    """The seeds plus our own article (unregistered: it loads with a warning, dated by its dateline)."""
    folder = tmp_path_factory.mktemp("own")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    shutil.copy(DOCUMENTS / OWN, folder / "seeds" / OWN)
    result = run_build(folder / "seeds", folder / "events.db")
    assert result.exit_code == 0, result.output
    connection = sqlite3.connect(folder / "events.db")
    yield connection
    connection.close()


def test_no_summary_opens_with_a_conjunction_or_a_stray_quotation_mark(conn):
    bad = [s for (s,) in conn.execute("select summary from events") if OPENS_BADLY.match(s)]
    assert bad == []


def test_every_summary_says_how_it_was_made(conn):
    counts = dict(conn.execute("select summary_method, count(*) from events group by 1").fetchall())
    assert set(counts) == {"excerpt", "derived"} and counts["excerpt"] > 100
    assert conn.execute("select count(*) from events where summary_evidence is null or summary_evidence = ''").fetchone()[0] == 0


def test_a_summary_taken_as_is_is_a_verbatim_piece_of_the_excerpt(conn):
    rows = conn.execute("""select summary, description from events where summary_method = 'excerpt'""").fetchall()
    for summary, description in rows:
        piece = summary.removesuffix("…")
        assert piece in description or (piece[0].lower() + piece[1:]) in description, summary


def test_a_clause_with_no_subject_takes_its_sentences_subject_and_keeps_its_date(conn):
    summary, method, evidence, excerpt = summary_of(conn, "memri-sd-9684", "one-day visit to Delhi")
    assert excerpt == "and on December 6 made a one-day visit to Delhi."  # verbatim, as the source has it
    assert excerpt in seed_text(MEMRI)
    assert summary == "The Russian president made a one-day visit to Delhi on December 6."
    assert method == "derived"
    assert "'and'" in evidence and "'the Russian president'" in evidence and "'on December 6'" in evidence


def test_a_leading_conjunction_goes_and_a_clause_with_its_own_subject_keeps_it(conn):
    summary, method, evidence, excerpt = summary_of(conn, "scmp-3253354", "visit by Putin to North Korea")
    assert excerpt.startswith("and last month the Kremlin said") and excerpt in seed_text(SCMP)
    assert summary.startswith("Last month the Kremlin said a visit by Putin to North Korea")
    assert method == "derived" and "conjunction 'and'" in evidence
    summary, method, evidence, _ = summary_of(conn, "memri-sd-9684", "And finally, on the eve of the summit")
    assert summary.startswith("On the eve of the summit between Vladimir Putin and Xi Jinping, Chinese Foreign")
    assert "'And finally'" in evidence


def test_an_opening_quotation_mark_the_sentence_never_closes_goes(conn):
    summary, method, evidence, excerpt = summary_of(conn, "memri-sd-9684", "The second Russian-Chinese summit this year")
    assert excerpt.startswith('"The second') and summary.startswith("The second Russian-Chinese summit")
    assert method == "derived" and "quotation mark" in evidence


def test_our_own_article_a_subjectless_clause_after_a_comma_keeps_its_date_before_the_verb(own):
    summary, method, evidence, excerpt = summary_of(own, "summaries-article-2024", "one-day visit to Kyiv")
    assert excerpt == "and on August 23 made a one-day visit to Kyiv, the first by an Indian head of government."
    assert summary == "The Indian prime minister on August 23 made a one-day visit to Kyiv, the first by an Indian head of government."
    assert method == "derived" and "'the Indian prime minister' (india" in evidence


def test_our_own_article_quotation_marks_and_conjunctions(own):
    summary, method, _, excerpt = summary_of(own, "summaries-article-2024", "admitted Belarus")
    assert excerpt.startswith('"On July 4,')
    assert summary == "On July 4, the Shanghai Cooperation Organisation admitted Belarus as its tenth full member at the summit in Astana."
    summary, method, evidence, _ = summary_of(own, "summaries-article-2024", "joint statement")
    assert summary == "On July 9, the Indian and Russian leaders issued a joint statement on the partnership between their two countries."
    assert "'But'" in evidence


def test_our_own_article_clean_sentences_are_summarised_by_themselves(own):
    for text in ("In July, the Indian prime minister travelled to Moscow", "Tokayev chaired the Astana summit"):
        summary, method, evidence, excerpt = summary_of(own, "summaries-article-2024", text)
        assert (summary, method) == (excerpt, "excerpt"), text
        assert evidence == "The excerpt, verbatim"
    bad = [s for (s,) in own.execute("select summary from events") if OPENS_BADLY.match(s)]
    assert bad == []
