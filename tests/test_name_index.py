"""The gazetteer's names are found by a `NameIndex` (loader/enrich/phrases.py), not by a phrase matcher's
automaton: for every text it must give exactly the hits the phrase matcher gives (start, end, text,
phrase, values, order). Compared on the real GeoNames names, over the seeds' documents and over texts
that put names in every context the word rules treat apart (a fixed random seed: the same texts on
every run)."""
from __future__ import annotations

import bisect
import random
import re

import pytest

from conftest import CURATED, SEEDS
from loader.enrich.phrases import NameIndex, PhraseMatcher
from loader.enrich.places import GAZETTEER, load_places


@pytest.fixture(scope="module")
def names():
    return load_places(CURATED / "places.yml").geonames.names


@pytest.fixture(scope="module")
def finders(names):
    return PhraseMatcher((name, GAZETTEER) for name in names), NameIndex(names, GAZETTEER)


def differences(finders, texts) -> list:
    matcher, index = finders
    return [(text, matcher.find(text), index.find(text)) for text in texts if matcher.find(text) != index.find(text)]


def test_the_index_finds_what_the_phrase_matcher_finds_in_the_seeds(finders):
    texts = []
    rng = random.Random(14)
    for path in sorted(SEEDS.glob("*.txt")):
        document = path.read_bytes().decode("utf-8")
        texts.append(document)
        texts += document.split("\n\n")
        for _ in range(200):  # windows that cut words and names at either end
            start = rng.randrange(len(document))
            texts.append(document[start:start + rng.randrange(1, 400)])
    assert sum(len(finders[0].find(text)) for text in texts) > 500
    assert differences(finders, texts) == []


# Non-Latin letters, a combining mark, an emoji, a digit, an underscore: next to a name on either side.
NEIGHBOURS = ["Москва", "北京", "\u0301", "e\u0301", "😀", "1", "_", "d’", "l'", "x"]
BEFORE = ["in ", "In ", "", "visit ", "the ", "(", "\"", "- ", "-", "’", "'", "a ", "from\n", "to  ", "at\t",
          "near\u00a0", "said.\n\n", "x", "on ", "St ", "New "]
AFTER = ["", " ", ".", ", ", "'s", "’s", "'S", "’s.", "'sx", "’an", "'an", "'", "’", "-", "-based", " Federal University",
         " City", " de Janeiro", "\n", "  hosts", "\nSummit", "s", ")", "’ ", "e", "x", " (2)", "/O.L.", " and "]


def _variants(name: str, rng: random.Random) -> str:
    """The name as a text may write it: a space as a line break or a run of whitespace, an apostrophe as
    the other one, or cut short."""
    roll = rng.random()
    if roll < 0.15 and " " in name:
        spaces = [m.start() for m in re.finditer(" ", name)]
        at = rng.choice(spaces)
        return name[:at] + rng.choice(["\n", "  ", "\t", "\u00a0", " \n ", "\r\n"]) + name[at + 1:]
    if roll < 0.2:
        return name.replace("'", "’") if "'" in name else name.replace("’", "'")
    if roll < 0.25 and len(name) > 4:
        return name[:rng.randrange(1, len(name))]
    return name


def _kinds(names) -> dict[str, list[str]]:
    listed = sorted(names)
    def goes_on(name: str) -> bool:  # another name starts with this one and a word boundary ("Rio" / "Rio de ...")
        after = bisect.bisect_right(listed, name)
        return after < len(listed) and listed[after].startswith(name) and not listed[after][len(name)].isalnum()
    kinds = {
        "several words": [n for n in listed if " " in n],
        "hyphen": [n for n in listed if "-" in n],
        "apostrophe": [n for n in listed if "'" in n or "’" in n],
        "ends with an apostrophe": [n for n in listed if n[-1] in "'’"],
        "backtick": [n for n in listed if "`" in n],
        "period or other mark": [n for n in listed if re.search(r"[.(/,&!]", n)],
        "not ASCII": [n for n in listed if not n.isascii()],
        "prefix of another": [n for n in listed if goes_on(n)],
        "whitespace to squeeze": [n for n in listed if re.sub(r"\s+", " ", n.strip()) != n],
        "any": listed,
    }
    return kinds


def _generated(names, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    groups = [members for members in _kinds(names).values() if members]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randrange(1, 5)):
            name = _variants(rng.choice(rng.choice(groups)), rng)
            before = rng.choice(NEIGHBOURS) if rng.random() < 0.15 else rng.choice(BEFORE)
            after = rng.choice(NEIGHBOURS) if rng.random() < 0.15 else rng.choice(AFTER)
            if rng.random() < 0.1:  # a name right after another ("Rio" "de Janeiro", "Moscow Times")
                after += _variants(rng.choice(rng.choice(groups)), rng)
            parts.append(before + name + after)
        texts.append(rng.choice(["", " ", "\n"]).join(parts))
    return texts


def test_the_index_finds_what_the_phrase_matcher_finds_around_every_kind_of_name(names, finders):
    for kind, members in _kinds(names).items():
        assert members, f"no GeoNames name of kind {kind!r}"
    texts = _generated(names, 6000, seed=20261202)
    hits = [hit for text in texts for hit in finders[0].find(text)]
    # The texts reach every rule: names of each kind found, and found written otherwise than listed.
    assert any(hit.text != hit.phrase for hit in hits)  # a whitespace run or a line break inside
    assert any("’" in hit.phrase for hit in hits) and any("`" in hit.phrase for hit in hits)
    assert any(" " in hit.phrase for hit in hits) and any("-" in hit.phrase for hit in hits)
    assert any(text[hit.end:hit.end + 2] in ("'s", "’s") for text in texts for hit in finders[0].find(text))
    assert differences(finders, texts) == []


def test_the_index_gives_the_phrase_matchers_hits_for_a_few_written_cases(names, finders):
    """Cases the rules name: a possessive ends a name, an apostrophe inside a word does not; the longest
    name wins; a whitespace run inside a name is found and the hit keeps the text as written."""
    assert "Xi'an" in names and "Rio de Janeiro" in names and "New York City" in names
    texts = ["Talks in Xi'an and Xi’an.", "Xi’an's walls", "in Rio de Janeiro's port", "in Rio de\nJaneiro",
             "New  York City", "New York City-based", "Xinhua in Moscow", "in Moscow’an", "Москва Moscow北京",
             "Moscow\u0301", "in Ayrivan  Erivan", ""]
    assert differences(finders, texts) == []
    _, index = finders
    hit = index.find("the summit in Rio de\n  Janeiro's port")[0]
    assert (hit.text, hit.phrase, hit.values) == ("Rio de\n  Janeiro", "Rio de Janeiro", (GAZETTEER,))
    assert [h.phrase for h in index.find("Xi’an's walls, Moscow’an, Xi's")] == ["Xi’an"]


def test_the_index_and_the_matcher_agree_on_a_small_list_too():
    """Not only the gazetteer's list: names that are prefixes of each other, start or end with a mark
    that is not a letter, or are written with whitespace to squeeze."""
    listed = ["Rio", "Rio de Janeiro", "Rio de", "St.", "St. Louis", "Sana'a'", "Sana'a", "A  B", "Ab ", "X-Y", "X",
              "(Foo)", "Bar", "’s-Hertogenbosch"]
    matcher, index = PhraseMatcher((n, "v") for n in listed), NameIndex(listed, "v")
    texts = _generated(listed, 3000, seed=7) + ["St. Louis.", "Sana'a's", "Sana'a'", "A\nB", "Ab -", "X-Y-Z", "Rio de",
                                                 "in (Bar now", "(Foo) and ’s-Hertogenbosch"]
    assert differences((matcher, index), texts) == []
    assert NameIndex([], "v").find("Rio") == []
