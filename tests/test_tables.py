"""Each table is declared once, in loader/tables.py: the database, metadata.yml and the README follow it.

`make check` runs `cog --check` on metadata.yml and README.md; these tests say the same through
`make test`, and check the built database against the declarations."""
from __future__ import annotations

import pytest
import yaml

from conftest import ROOT
from loader import tables
from loader.tables import ALL, TABLES, VIEWS, Column, Table

SQL_TYPE = {str: "TEXT", int: "INTEGER", float: "REAL", bytes: "BLOB"}  # as sqlite-utils 4 writes them (BLOB: no affinity)


def test_metadata_yml_describes_every_table_as_declared():
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    assert metadata["databases"]["events"]["tables"] == tables.metadata_tables(), (
        "metadata.yml's tables drifted from loader/tables.py: run `make docs`")


def test_the_readme_lists_every_table_as_declared():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert tables.readme_table() in readme, "README.md's table of tables drifted from loader/tables.py: run `make docs`"
    for name in ALL:
        assert f"| `{name}`" in readme


def test_the_database_has_exactly_the_declared_tables_columns_types_and_keys(conn):
    for table in TABLES:
        info = conn.execute(f"pragma table_info([{table.name}])").fetchall()
        assert [r["name"] for r in info] == [c.name for c in table.columns], table.name
        assert {r["name"]: r["type"] for r in info} == {c.name: SQL_TYPE[c.type] for c in table.columns}, table.name
        assert {r["name"] for r in info if r["notnull"]} == table.not_null(), table.name
        pk = [r["name"] for r in sorted(info, key=lambda r: r["pk"]) if r["pk"]]
        assert pk == ([table.pk] if isinstance(table.pk, str) else list(table.pk)), table.name
        foreign = {(r["from"], r["table"], r["to"]) for r in conn.execute(f"pragma foreign_key_list([{table.name}])")}
        assert foreign == set(table.foreign_keys), table.name
    for view in VIEWS:
        columns = [r["name"] for r in conn.execute(f"pragma table_info([{view.name}])")]
        assert columns == [c.name for c in view.columns], view.name
    made = {r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")}
    fts = {f"{t.name}_fts" for t in TABLES if t.fts}
    assert {name for name in made if not name.startswith(tuple(fts))} == set(ALL)


def test_every_column_a_table_is_faceted_on_leads_an_index_unless_the_table_is_small(conn):
    for table in TABLES:
        leading = {conn.execute(f"pragma index_info([{index['name']}])").fetchone()["name"]
                   for index in conn.execute(f"pragma index_list([{table.name}])")}
        for column in (table.facets + table.more_facets) if not table.small else ():
            assert column in leading, f"facet {table.name}.{column} has no index"
    events = ALL["events"]
    assert {"format", "forum", "place_count"} <= set(events.more_facets)  # linked from its description
    assert ["forum"] in events.index_list() and ["forum"] not in [list(i) for i in events.indexes]  # derived


def test_a_declaration_naming_a_column_it_lacks_fails_naming_it():
    columns = (Column("id", str, "Id."), Column("kind", str, "Kind."))
    with pytest.raises(ValueError, match=r"table things: facets names no column of it: \['knid'\]"):
        Table("things", row="thing", key_columns="`id`", columns=columns, pk="id", facets=("knid",))
    with pytest.raises(ValueError, match=r"links facets it does not declare: \['kind'\]"):
        Table("things", row="thing", key_columns="`id`", columns=columns, pk="id",
              description_html='<a href="?_facet=kind">kind</a>')


def test_the_readme_row_names_only_columns_its_table_has(monkeypatch):
    events = ALL["events"]
    broken = Table(**{**events.__dict__, "key_columns": events.key_columns + ", `no_such_column`"})
    monkeypatch.setitem(tables.ALL, "events", broken)
    with pytest.raises(ValueError, match=r"events: key_columns names no such column: \['no_such_column'\]"):
        tables.readme_table()
