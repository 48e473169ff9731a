"""The published site, through Datasette's own test client, configured as `make serve` configures it."""
import csv
import io

from conftest import METADATA


def test_the_events_table_page_lists_events_with_facets(served):
    response = served("/events/events")
    assert response.status_code == 200
    assert "Sino-Russian energy forum" in response.text
    data = served("/events/events.json?_facet=category&_shape=objects").json()
    categories = {f["value"] for f in data["facet_results"]["category"]["results"]}
    assert {"military", "political", "tech", "economic"} <= categories


def test_full_text_search_from_the_table_page(served):
    data = served("/events/events.json?_search=patrol&_shape=objects").json()
    assert len(data["rows"]) >= 3
    assert all("patrol" in (r["summary"] + r["description"]).lower() for r in data["rows"])


def test_canned_timeline_query_answers_ok_with_rows(served):
    data = served("/events/timeline.json?from=2021-11-01&to=2021-11-30&_shape=objects").json()
    assert data["ok"] is True
    assert data["rows"]
    assert all(r["date_latest"] >= "2021-11-01" and r["date_earliest"] <= "2021-11-30" for r in data["rows"])


def test_canned_search_ranks_matches_and_survives_an_empty_box(served):
    data = served("/events/search.json?q=joint+patrol&_shape=objects").json()
    assert data["ok"] is True and data["rows"]
    assert "**" in data["rows"][0]["snippet"]
    empty = served("/events/search.json?q=&_shape=objects").json()
    assert empty["ok"] is True and empty["rows"] == []
    quoted = served("/events/search.json?q=%22unbalanced&_shape=objects").json()
    assert quoted["ok"] is True


def test_events_download_whole_as_csv(served, conn):
    response = served("/events/events.csv?_stream=on")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == conn.execute("select count(*) from events").fetchone()[0]
    assert {"id", "summary", "date_earliest", "date_latest"} <= set(rows[0])


def test_every_table_view_and_column_is_described(served, conn):
    metadata = METADATA["databases"]["events"]["tables"]
    database = served("/events.json").json()
    views = [{"name": v["name"], "hidden": False,
              "columns": [c[1] for c in conn.execute(f"pragma table_info([{v['name']}])")]}
             for v in database["views"]]
    assert views
    for table in database["tables"] + views:
        if table["hidden"]:
            continue
        assert table["name"] in metadata, table["name"]
        described = metadata[table["name"]].get("columns", {})
        assert set(table["columns"]) <= set(described), (table["name"], set(table["columns"]) - set(described))
