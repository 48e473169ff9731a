"""The event taxonomy (curated/taxonomy.yml): every rule and override checked on the real seed entries
it names, through the database the CLI builds."""
import re
import shutil
import sqlite3
import string
import sys

import pytest
import yaml

from conftest import CURATED, SEEDS, build_with_edit, event_named, run_build

TAXONOMY = yaml.safe_load((CURATED / "taxonomy.yml").read_text(encoding="utf-8"))
SECTIONS = {"cameo": ("code", "cameo_root"), "format": ("format", "format"), "forum": ("forum", "forum")}


RULES = [(section, rule) for section in SECTIONS for rule in TAXONOMY[section]]


@pytest.mark.parametrize("section, rule", RULES, ids=[f"{s}:{r[SECTIONS[s][0]]}:{r['rule']}" for s, r in RULES])
def test_each_rule_gives_its_value_to_the_real_entries_it_names(conn, section, rule):
    key, column = SECTIONS[section]
    assert rule["examples"], f"rule {rule['rule']!r} names no seed entry: it is untested"
    for example in rule["examples"]:
        event = event_named(conn, example["source"], example["text"])
        assert event[column] == rule[key], (example, event["taxonomy_evidence"])
        # ...and it is this rule that gave it, not an earlier one by luck
        assert f"rule '{rule['rule']}'" in event["taxonomy_evidence"], event["taxonomy_evidence"]


@pytest.mark.parametrize("override", TAXONOMY["overrides"], ids=[o["text"][:40] for o in TAXONOMY["overrides"]])
def test_each_override_wins_over_the_rules(conn, override):
    event = event_named(conn, override["source"], override["text"])
    for section, (_, column) in SECTIONS.items():
        if section in override:
            assert event[column] == override[section]
            assert f"curated override ({override['why']})" in event["taxonomy_evidence"]


def test_cameo_codes_are_the_twenty_roots_as_two_digit_text(conn):
    roots = {r["code"]: r["label"] for r in conn.execute("select * from cameo_roots")}
    assert list(roots) == [f"{n:02d}" for n in range(1, 21)]
    assert roots["04"] == "Consult" and roots["15"] == "Exhibit force posture" and roots["01"] == "Make public statement"
    types = {r[0] for r in conn.execute("select distinct typeof(cameo_root) from events where cameo_root is not null")}
    assert types == {"text"}
    counts = dict(conn.execute("select code, event_count from cameo_roots"))
    assert counts == {code: conn.execute("select count(*) from events where cameo_root = ?", (code,)).fetchone()[0]
                      for code in roots}


def test_every_seed_event_gets_a_cameo_root_and_evidence(conn):
    # One known gap: the Overwatch timeline's space weather centre item ("established", 17 November) gets
    # no root on its own. It takes the chronology entry's ("is operational") when the two are one event,
    # but curated/dates.yml dates that entry 16 November (the official ceremony), so until sources that
    # disagree by a day are linked as one event (issue 11, item 3) the two stay apart. Once they are
    # linked, the exception below no longer applies and the whole assertion holds again.
    unlinked_space_weather = """select e.id from events e join event_sources es on es.event_id = e.id
        where es.source_id = 'overwatch-2020-2022' and es.excerpt like '%Space Weather Center%'
        and not exists (select 1 from event_sources o where o.event_id = e.id and o.source_id = 'cc-2021-sep-dec')"""
    allowed = {r[0] for r in conn.execute(unlinked_space_weather)}
    assert len(allowed) <= 1
    assert {r[0] for r in conn.execute("select id from events where cameo_root is null")} <= allowed
    assert {r[0] for r in conn.execute("select id from events where taxonomy_evidence is null")} <= allowed


def test_what_the_text_does_not_say_stays_empty(conn):
    event = event_named(conn, "cc-2020-sep-dec", "Wang and Lavrov discuss bilateral cooperation in foreign affairs")
    assert event["cameo_root"] == "04"
    assert event["format"] is None and event["forum"] is None  # no word of video, phone or a meeting place


def test_words_that_only_look_like_a_cue_do_not_count(conn):
    kim = event_named(conn, "scmp-3253354", "hosted North Korean leader Kim Jong-un")
    assert kim["forum"] is None  # "Jong-un" is not the UN
    lavrov = event_named(conn, "cc-2020-sep-dec", "Russia would not pressure China to join arms control talks")
    assert lavrov["cameo_root"] == "01"  # a statement about talks, not talks
    intent = event_named(conn, "scmp-3253354", "The Russian leader is expected to visit China this year")
    assert (intent["cameo_root"], intent["format"]) == ("03", None)  # a visit announced is not a visit held


def test_a_meeting_in_a_named_city_is_in_person_but_video_wins(conn):
    moscow = event_named(conn, "cc-2020-sep-dec", "SCO holds its 17th annual foreign ministerial meeting in Moscow")
    assert (moscow["format"], moscow["forum"]) == ("in person", "SCO")
    dushanbe = event_named(conn, "cc-2021-sep-dec", "via videoconference, in Dushanbe")
    assert dushanbe["format"] == "video"


def test_a_code_without_quotes_fails_the_build_with_file_and_line(tmp_path, curated_copy):
    result, line = build_with_edit(curated_copy, "taxonomy.yml", '  - code: "15"', "  - code: 15",
                                   tmp_path / "events.db", "  - code: 15")
    assert result.exit_code == 1
    assert f"taxonomy.yml:{line}: error:" in result.output and "code" in result.output
    assert not (tmp_path / "events.db").exists()


def test_a_bad_format_or_pattern_fails_the_build(tmp_path, curated_copy):
    path = curated_copy / "taxonomy.yml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("  - format: phone", "  - format: telepathy", 1), encoding="utf-8")
    result = run_build(SEEDS, tmp_path / "a.db", curated=curated_copy)
    assert result.exit_code == 1
    assert "format: expected 'in person', 'video', 'phone' or 'written', got the text 'telepathy'" in result.output
    path.write_text(original.replace(r"'\btest-?fires?\b'", r"'\btest-(?fires'", 1), encoding="utf-8")
    result = run_build(SEEDS, tmp_path / "b.db", curated=curated_copy)
    assert result.exit_code == 1 and "bad regular expression" in result.output


def test_an_override_that_names_no_mention_is_an_error_and_one_for_a_source_not_loaded_a_warning(tmp_path, curated_copy):
    """One rule for {source, text} keys (enrich/mentionkeys.py): a stale override fails the build."""
    path = curated_copy / "taxonomy.yml"
    original = path.read_text(encoding="utf-8")
    line = original.count("\n") + 1
    path.write_text(original + (
        "  - source: cc-2021-sep-dec\n    text: \"words that are in no entry\"\n    cameo: \"04\"\n    why: test\n"),
        encoding="utf-8")
    result = run_build(SEEDS, tmp_path / "events.db", curated=curated_copy)
    assert result.exit_code == 1, result.output
    assert (f"taxonomy.yml:{line}: error: no mention of 'cc-2021-sep-dec' contains 'words that are in no entry' "
            "(override") in result.output
    path.write_text(original + (
        "  - source: not-a-loaded-source\n    text: \"words\"\n    cameo: \"04\"\n    why: test\n"), encoding="utf-8")
    db = tmp_path / "b.db"
    result = run_build(SEEDS, db, curated=curated_copy)
    assert result.exit_code == 0, result.output
    assert f"taxonomy.yml:{line}: warning: override names 'not-a-loaded-source', a source not loaded; not used" in result.output
    import sqlite3
    with sqlite3.connect(db) as built:
        assert built.execute("select count(*) from build_problems where message like '%a source not loaded%'").fetchone()[0] == 1


def test_a_rule_matches_through_the_letters_case_insensitive_matching_pairs_with_ascii(tmp_path, curated_copy):
    # Rules that cannot match are skipped by the words they need ("say" for 'says?'), looked up in the
    # summary in lower case; a long s ("ſ") still matches "s" ignoring case, so it must not be skipped.
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    for path in (seeds / "cc-china-russia-chronology-2020-sep-dec.txt", curated_copy / "dates.yml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Lavrov says Russia would not", "Lavrov ſays Russia would not", 1), encoding="utf-8")
    result = run_build(seeds, tmp_path / "events.db", curated=curated_copy)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(tmp_path / "events.db")
    event = event_named(conn, "cc-2020-sep-dec", "Lavrov ſays Russia would not pressure China")
    assert event["cameo_root"] == "01"
    assert "rule 'statement or remark' matched 'ſays'" in event["taxonomy_evidence"]


def test_only_four_characters_outside_ascii_match_an_ascii_one_ignoring_case():
    # What the skipping above relies on, over the whole of Unicode: a summary without these four
    # characters holds, in lower case, the ASCII words any case-insensitive match of a rule holds.
    from loader.enrich.taxonomy import CASE_TWINS

    others = "".join(chr(c) for c in range(0x80, sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    twins = {m.group(0) for char in string.printable for m in re.finditer(re.escape(char), others, re.IGNORECASE)}
    assert twins == set(CASE_TWINS)


def test_each_cameo_root_counts_the_events_classified_under_it(conn):
    """cameo_roots.event_count is the number of events whose cameo_root is that code (the write counts
    them as it writes each event's row, after the roots themselves)."""
    counted = dict(conn.execute("select code, event_count from cameo_roots"))
    classified = dict(conn.execute("select cameo_root, count(*) from events where cameo_root is not null "
                                   "group by cameo_root"))
    assert counted == {code: classified.get(code, 0) for code in counted}
    assert sum(counted.values()) > 0  # the seeds do name events the taxonomy classifies
