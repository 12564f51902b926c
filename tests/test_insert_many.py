"""Bulk inserts of several rows to a statement give the rows of ``executemany``, in order."""

from __future__ import annotations

import sqlite3

import pytest

from huitan.store import insert_many


@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 8, 13])
def test_insert_many_is_executemany(n: int) -> None:
    rows = [(i, f"名{i}", None if i % 3 else b"\xe4\xb8\xad", i / 2) for i in range(n)]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE a (x, y, z, w)")
    db.execute("CREATE TABLE b (x, y, z, w)")
    db.executemany("INSERT INTO a VALUES (?,?,CAST(? AS TEXT),?)", rows)
    insert_many(db, "INSERT INTO b", "(?,?,CAST(? AS TEXT),?)", iter(rows), per=4)
    got = db.execute("SELECT rowid, x, y, z, typeof(z), w FROM b").fetchall()
    assert got == db.execute("SELECT rowid, x, y, z, typeof(z), w FROM a").fetchall()
