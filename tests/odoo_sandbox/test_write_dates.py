"""create_date/write_date keep microseconds, one stamp per call, and compare like Odoo 18 (or 19)."""

from __future__ import annotations

from apps.odoo_sandbox.server import SandboxServer
from apps.odoo_sandbox.testing import running_sandbox

from .conftest import Rpc


def count(rpc: Rpc, ids: list[int], *leaves: tuple[str, str, str]) -> int:
    return rpc("admin", "project.tags", "search_count", [("id", "in", ids), *leaves])


def test_it_stamps_a_create_of_5000_records_once_and_reads_it_to_the_second(sandbox: SandboxServer, rpc: Rpc) -> None:
    ids = rpc("admin", "project.tags", "create", [{"name": f"bulk {n}"} for n in range(5000)])
    assert len(ids) == 5000
    rows = rpc("admin", "project.tags", "read", ids, ["write_date", "create_date"])
    assert {row["write_date"] for row in rows} == {rows[0]["write_date"]}
    assert {row["create_date"] for row in rows} == {rows[0]["write_date"]}
    stamp = rows[0]["write_date"]
    assert len(stamp) == 19
    stored = {sandbox.sandbox.store.get("project.tags", rec_id)["write_date"] for rec_id in ids}
    assert len(stored) == 1
    assert stored.pop()[:19] == stamp
    assert count(rpc, ids, ("write_date", "=", stamp)) == 0
    assert count(rpc, ids, ("write_date", "<=", stamp)) == 0
    assert count(rpc, ids, ("write_date", "<", stamp)) == 0
    assert count(rpc, ids, ("write_date", ">", stamp)) == 5000
    assert count(rpc, ids, ("write_date", ">=", stamp)) == 5000
    assert count(rpc, ids, ("write_date", ">", stamp + ".999999")) == 0
    assert count(rpc, ids, ("write_date", "<=", stamp + ".999999")) == 5000
    assert count(rpc, ids, ("write_date", ">=", stamp[:10])) == 5000


def test_it_stamps_a_write_on_many_ids_once_and_later_than_before(sandbox: SandboxServer, rpc: Rpc) -> None:
    ids = rpc("admin", "project.tags", "create", [{"name": n} for n in ("a", "b", "c")])
    store = sandbox.sandbox.store
    created = store.get("project.tags", ids[0])["write_date"]
    assert rpc("admin", "project.tags", "write", ids, {"color": 4}) is True
    written = {store.get("project.tags", rec_id)["write_date"] for rec_id in ids}
    assert len(written) == 1
    assert written.pop() > created
    assert {store.get("project.tags", rec_id)["create_date"] for rec_id in ids} == {created}


def test_it_sorts_by_the_stored_stamp_not_the_second_read(rpc: Rpc) -> None:
    first = rpc("admin", "project.tags", "create", {"name": "first"})
    second = rpc("admin", "project.tags", "create", {"name": "second"})
    rpc("admin", "project.tags", "write", [first], {"color": 2})  # now the later stamp, maybe in the same second
    domain = [("id", "in", [first, second])]
    rows = rpc("admin", "project.tags", "search_read", domain, ["write_date"], order="write_date asc, id asc")
    assert [row["id"] for row in rows] == [second, first]


def test_it_compares_at_whole_seconds_on_odoo_19() -> None:
    with running_sandbox(version="19.0", seed_network=False) as odoo:
        rpc = Rpc(odoo)
        ids = rpc("admin", "project.tags", "create", [{"name": n} for n in ("a", "b", "c")])
        stamp = rpc("admin", "project.tags", "read", ids, ["write_date"])[0]["write_date"]
        assert count(rpc, ids, ("write_date", "=", stamp)) == 3
        assert count(rpc, ids, ("write_date", "<=", stamp)) == 3
        assert count(rpc, ids, ("write_date", "<", stamp)) == 0
        assert count(rpc, ids, ("write_date", ">", stamp)) == 0
        assert count(rpc, ids, ("write_date", ">=", stamp)) == 3
        assert count(rpc, ids, ("write_date", ">", stamp + ".999999")) == 0
        assert count(rpc, ids, ("write_date", "=", stamp + ".5")) == 3
