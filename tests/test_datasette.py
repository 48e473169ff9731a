"""The published site, through Datasette's own test client, configured as `make serve` configures it."""
import asyncio
import csv
import io

import pytest
import yaml
from datasette.app import Datasette

from conftest import ROOT


@pytest.fixture(scope="module")
def get(seed_db):
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    datasette = Datasette(immutables=[str(seed_db)], metadata=metadata)

    def fetch(path: str):
        return asyncio.run(datasette.client.get(path))

    return fetch


def test_the_events_table_page_lists_events_with_facets(get):
    response = get("/events/events")
    assert response.status_code == 200
    assert "Sino-Russian energy forum" in response.text
    data = get("/events/events.json?_facet=category&_shape=objects").json()
    categories = {f["value"] for f in data["facet_results"]["category"]["results"]}
    assert {"military", "political", "tech", "economic"} <= categories


def test_full_text_search_from_the_table_page(get):
    data = get("/events/events.json?_search=patrol&_shape=objects").json()
    assert len(data["rows"]) >= 3
    assert all("patrol" in (r["summary"] + r["description"]).lower() for r in data["rows"])


def test_canned_timeline_query_answers_ok_with_rows(get):
    data = get("/events/timeline.json?from=2021-11-01&to=2021-11-30&_shape=objects").json()
    assert data["ok"] is True
    assert data["rows"]
    assert all(r["date_latest"] >= "2021-11-01" and r["date_earliest"] <= "2021-11-30" for r in data["rows"])


def test_canned_search_ranks_matches_and_survives_an_empty_box(get):
    data = get("/events/search.json?q=joint+patrol&_shape=objects").json()
    assert data["ok"] is True and data["rows"]
    assert "**" in data["rows"][0]["snippet"]
    empty = get("/events/search.json?q=&_shape=objects").json()
    assert empty["ok"] is True and empty["rows"] == []
    quoted = get("/events/search.json?q=%22unbalanced&_shape=objects").json()
    assert quoted["ok"] is True


def test_events_download_whole_as_csv(get, conn):
    response = get("/events/events.csv?_stream=on")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == conn.execute("select count(*) from events").fetchone()[0]
    assert {"id", "summary", "date_earliest", "date_latest"} <= set(rows[0])


def test_every_table_view_and_column_is_described(get, conn):
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))["databases"]["events"]["tables"]
    database = get("/events.json").json()
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
