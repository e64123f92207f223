"""Paging a feed by (write_date, id) under Odoo's write_date precision.

Odoo stores write_date with microseconds, sends it truncated to the second and compares domains with
the stored value; one transaction (a `create` of a list, an import) stamps all its records alike. So
`('write_date', '=', S)` matches none of a second's records and `('write_date', '>', S)` all of them:
a keyset on `=` rereads the same page forever after a bulk write. The recorded keyset (contract
scenario 11, Odoo 18 and 19) bounds the second from both sides:
`['|', ('write_date', '>', S + '.999999'), '&', ('write_date', '>=', S), ('id', '>', last_id)]`.

Odoo orders by the stored stamp, the keyset by the second read and then the id, and the two disagree
inside a second written by more than one transaction (a record edited at S.7 with a lower id than
one created at S.2). So within a run a full page never continues inside its last second by id:

- a page that spans several seconds continues with the rest of its last second by exclusion
  (`>= S` and `id not in` the page's rows of S, usually one or two);
- a page that is one second alone (a bulk write larger than a page) continues reading that second in
  id order (`>= S`, `< S + 1 s`, `id > last`, `order id`, minus the rows already read) until it is
  exhausted.

So a run reads every record once. Each position must come strictly after the one before; one that
does not would reread without bound, and stops the run (`PagingStalled`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apps.odoo_gateway import format_odoo_datetime, parse_odoo_datetime
from apps.portal.phrases import Phrase, phrase

ORDER = "write_date asc, id asc"
BY_ID = "id asc"
SECOND = timedelta(seconds=1)


class PagingStalled(RuntimeError):
    """A page did not move the position forward: reading on would not end. `said` is the message
    as a phrase, kept with the run's error for each reader's language."""

    def __init__(self, said: Phrase) -> None:
        super().__init__(said.english())
        self.said = said


def second_of(row: dict[str, Any]) -> datetime:
    return parse_odoo_datetime(row["write_date"]).replace(microsecond=0)


def keyset(second: datetime, after_id: int) -> list[Any]:
    """Everything after (second, after_id), as Odoo compares write_date (see the module docstring)."""
    return rest_of_second(second, [["id", ">", after_id]] if after_id > 0 else [])


def rest_of_second(second: datetime, in_second: list[Any]) -> list[Any]:
    """Every later second, plus the records of `second` that pass `in_second` (terms, all required)."""
    stamp = format_odoo_datetime(second)
    if not in_second:
        return [["write_date", ">=", stamp]]
    return ["|", ["write_date", ">", f"{stamp}.999999"], *(["&"] * len(in_second)), ["write_date", ">=", stamp],
            *in_second]


@dataclass(frozen=True)
class Position:
    """Where the next page starts: after (second, after_id) minus `read` (ids of that second already
    read); `within` reads that second alone, in id order."""

    second: datetime | None = None
    after_id: int = 0
    within: bool = False
    read: tuple[int, ...] = ()

    def _in_second(self) -> list[Any]:
        terms: list[Any] = [["id", ">", self.after_id]] if self.after_id > 0 else []
        if self.read:
            terms.append(["id", "not in", list(self.read)])
        return terms

    def domain(self) -> list[Any]:
        if self.second is None:
            return []
        if self.within:
            return [["write_date", ">=", format_odoo_datetime(self.second)],
                    ["write_date", "<", format_odoo_datetime(self.second + SECOND)], *self._in_second()]
        return rest_of_second(self.second, self._in_second())

    @property
    def order(self) -> str:
        return BY_ID if self.within else ORDER

    def highest_read(self, second: datetime) -> int:
        """The highest id of `second` this position knows to be read (0 when none)."""
        return max([self.after_id, *self.read]) if second == self.second else 0


@dataclass(frozen=True)
class Step:
    """What a page taught: where the next one starts (None: done) and how far the cursor may move
    (None: not yet; every record up to that (second, id) has been read)."""

    next: Position | None
    cursor: tuple[datetime, int] | None


def step(position: Position, rows: list[dict[str, Any]], batch_size: int) -> Step:
    """The next position after a page read at `position` (see the module docstring)."""
    full = len(rows) >= batch_size
    _check_ahead(position, rows)
    if position.within:
        assert position.second is not None
        if not full:
            highest = max([position.highest_read(position.second), *(row["id"] for row in rows)])
            return Step(Position(position.second + SECOND), (position.second, highest) if highest else None)
        last_id = rows[-1]["id"]
        return _checked(position, Step(
            Position(position.second, last_id, within=True, read=tuple(i for i in position.read if i > last_id)),
            (position.second, last_id)))
    if not rows:
        return Step(None, None)
    seconds = [second_of(row) for row in rows]
    last = seconds[-1]
    if not full:
        return Step(None, (last, _highest(position, rows, seconds, last)))
    done = [s for s in seconds if s < last]
    in_last = tuple(row["id"] for row, s in zip(rows, seconds, strict=True) if s == last)
    if not done:  # the page is one second alone: read the rest of it by id
        already = position.read if position.second == last else ()
        after = position.after_id if position.second == last else 0
        return _checked(position, Step(Position(last, after, within=True, read=(*already, *in_last)), None))
    cursor = (done[-1], _highest(position, rows, seconds, done[-1]))
    return _checked(position, Step(Position(last, read=in_last), cursor))


def _highest(position: Position, rows: list[dict[str, Any]], seconds: list[datetime], second: datetime) -> int:
    ids = [row["id"] for row, s in zip(rows, seconds, strict=True) if s == second]
    return max([position.highest_read(second), *ids])


def _check_ahead(position: Position, rows: list[dict[str, Any]]) -> None:
    """Every row must lie past the position; one that does not means Odoo ignored the domain."""
    if position.second is None or not rows:
        return
    read = set(position.read)
    for row in rows:
        second = second_of(row)
        if second < position.second or (second == position.second and (row["id"] <= position.after_id
                                                                         or row["id"] in read)):
            raise PagingStalled(phrase("Odoo answered %(id)s (%(written)s) again, behind the position %(second)s "
                                       "#%(after)s: reading on would not end.", id=str(row["id"]),
                                       written=str(row["write_date"]), second=str(position.second),
                                       after=str(position.after_id)))


def _checked(position: Position, result: Step) -> Step:
    after = result.next
    if after is not None and after.second is not None and position.second is not None \
            and (after.second, after.within, after.after_id) <= (position.second, position.within, position.after_id):
        raise PagingStalled(phrase("Paging did not advance past %(second)s #%(after)s: Odoo answered a page out of "
                                   "order or ignored the domain.", second=str(position.second),
                                   after=str(position.after_id)))
    return result
