"""Dates: the best bounds the evidence allows for every event, and that evidence in words.

Two stages over the dataclasses of loader.model. They are not pure: each writes its results into what
it is given (``date_document`` sets ``mention.date`` on its undated mentions, and ``reported_date`` on an
entry dated by the words of its text; ``date_events`` sets ``event.date`` and narrows the entries of the
DocumentDates it is given). The same inputs give the same results.

``date_document(mentions, info, header, curated)``: one document on its own.
    Every entry first gets its own evidence, in this order of trust:
      1. a date printed for it (``explicit``; in an article, also ``relative`` phrases read against the
         article's own date); else, in a chronology or timeline, the dates printed in its own words
         (``in-text``, read by ``read_text_dates``): each is on or within the entry's event ("hold talks
         on Nov. 5"), a bound ("responding to a statement of Oct. 3"), a back-reference to an earlier
         event ("… patrol. On July 23, 2019, bombers … conducted their first joint patrols", which
         ``back_references`` turns into a mention of its own, dated, linked across documents like any
         other), or neither ("inked on Oct. 13, 2009, was set to expire on Dec. 16, 2020"). Every one is
         named in the entry's evidence;
      2. the document's coverage window (``coverage``), when nothing was printed;
      3. an anniversary cue in its text ("telegram ... on the 72nd anniversary of the establishment of
         the PRC"), counted from a reference date in curated/dates.yml (``cue``);
      4. a curated date in curated/dates.yml with its citation (``curated``).
    Then, in a chronology or a timeline, the order of the entries. The direction (newest or oldest
    first) is read from the dated entries, never assumed silently; every entry is no later than the
    one listed above it (newest first) and no earlier than the one below it, so the bounds of a dated
    entry flow to its undated neighbours (``order``). One forward and one backward pass over the list
    compute all of it, so the cost is linear in the length of the document.

    Evidence is admitted in layers, each checked against what the layers before it established:
    printed dates that break the order are reported and kept out of the reasoning; a cue that
    contradicts it is reported and dropped; a curated date that contradicts it fails the build with
    the YAML file and line (unless its entry is marked ``out_of_order`` with the reason).

``date_events(events, documents, share, whole, settle, report_bounds)``: across documents (``share`` gives the
DateBounds to hold for each event's bounds: build.Shared.date, one object per value; a document may be held
in part, ``DocumentDatesInPart``, and ``whole`` reads it whole, one at a time, where another source lends
it a bound; ``settle`` and ``report_bounds``, a build's, set each event's evidence, and that of each report
its list moved, aside in the database being built, database.DateEvidence).
    One event may be reported by several mentions (cross-source links). Their bounds are intersected;
    each mention whose bounds the other sources narrow takes the narrower bounds (``cross-source``),
    and its document's list is propagated again so the anchor narrows the neighbours too, until
    nothing changes. Each round touches only the documents that changed. Sources whose bounds do not
    overlap are not forced to agree: the event is flagged (``DateBounds.conflict``), its bounds are
    the hull of what the sources report (an undated entry's window is left out when it holds a
    reported day), and each source's own bounds stay in event_sources.own_* (``own_bounds``; what it
    prints, in event_sources.reported_*). A curated date
    more than TOLERANCE_DAYS from another source's printed day of the same event fails the build
    unless its entry says why (``disagrees:``); ``curated_contradictions`` finds such pairs the
    linker kept apart because of the curated date itself.

Bounds are always on the day an event happened or began; ``end`` is the last day of a multi-day event.

The modules:
  - entries.py: the state (an entry, its anchors, the evidence offered to it) and the document's window;
  - textdates.py: dates printed in an entry's own words, and back-references read from them;
  - propagate.py: stage 1, one document: evidence admitted in layers, bounds through the list's order;
  - combine.py: stage 2, across documents: the reports of one event combined, disagreements judged;
  - wording.py: the evidence in words, and the names of entries and sources in problems.
The calendar itself (month names, partial dates, the LOW/HIGH sentinels, width_days) is in
loader/parse/datetext.py. ``loader.enrich.dates`` re-exports the public names.
"""
