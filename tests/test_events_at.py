"""enrich.events.events_at: the event of each of some mentions, by source and position, as a dict would give it."""
import pytest

from loader.enrich.events import events_at
from loader.model import Mention


def mention(source: str, position: int) -> Mention:
    return Mention(source, position, 0, 4, "text", 1)


def test_the_wanted_mentions_find_their_events_and_no_others():
    a1, a2, a3, b7 = mention("a", 1), mention("a", 2), mention("a", 3), mention("b", 7)
    groups = [[a1, b7], [a2], [a3, mention("c", 1)]]
    found = events_at(groups, [a1, a3, b7], members=iter)
    assert set(found) == {"a", "b"}  # a source none of the wanted mentions comes from is not looked up
    assert found["a"][1] is groups[0] and found["a"][3] is groups[2] and found["b"][7] is groups[0]
    assert 2 not in found["a"] and found["a"].get(2) is None and found["a"].get(2, "none") == "none"
    with pytest.raises(KeyError):
        found["a"][2]  # in an event, but not asked for
    assert 0 not in found["a"] and 99 not in found["b"] and found["b"].get(6) is None


def test_a_wanted_mention_that_no_event_holds_is_missing():
    lost = mention("a", 5)
    found = events_at([[mention("a", 1)]], [lost], members=iter)
    assert 5 not in found["a"] and found["a"].get(5) is None
    with pytest.raises(KeyError):
        found["a"][5]
