"""Primary and complementary suppression of count tables that leave the organisation. Pure Python.

Tables
    A `Table` is a grid of non-negative counts (rows × columns) published with its row totals, column totals
    and grand total. A `Line` (one-dimensional table) is a list of counts published with their total.
    `suppress_table` / `suppress_line` return which entries to hide; `published_table` / `published_line`
    return the table with those entries replaced by `None`.

Primary suppression
    Any entry (cell, or total) with 0 < count < threshold is hidden (threshold: settings
    REFUGIU["STATISTICS_THRESHOLD"], 5 by default). A total below the threshold hides its whole line: every
    non-zero cell of that line is below the threshold too.

Complementary suppression
    Think of the table with its margins as an (R+1) × (C+1) grid in which every row and every column
    (the totals row and column included) obeys one published equation: its cells add up to its total.
    Further entries are hidden until
      1. every such line holds 0 or at least 2 hidden entries, and
      2. no hidden entry can be worked out from everything published (see "Guarantee").
    A line with exactly one hidden entry always has a non-zero visible one to add: the hidden entry is
    non-zero and the line's (signed) entries add up to zero. Complements are the smallest non-zero entries
    that do the job, cells before totals (totals are the
    figures readers need most), ties broken by position, so the result is deterministic.

Zeros
    A zero cell is published: it says no one, and hiding it protects no one. Zeros are never chosen as
    complements while a non-zero entry would do; only when every candidate that could protect a cell is
    zero is a zero cell hidden. A hidden zero cannot go below zero, which can pin its neighbours; the final
    check below accounts for that. Zero totals are never hidden.

Guarantee (checked by `_movable` for every hidden entry before the result is returned; proved by brute
force in tests/reports/test_suppression.py)
    For every hidden entry there are at least two non-negative integer tables that agree with every
    published cell and total and differ in that entry. In other words, no hidden entry's value is
    determined uniquely by the published cells and margins, non-negativity included.
    Why the check is exact: writing the margins with a minus sign makes every line of the (R+1) × (C+1) grid
    add up to zero, so the differences between two tables agreeing on the published entries are the
    integer circulations on the bipartite graph whose vertices are the lines and whose edges are the hidden
    entries. A circulation splits into simple cycles that each move in the same direction as the whole
    (conformal decomposition), so a hidden entry can take another value if and only if some simple cycle
    through it can be pushed by one unit without making a count negative: every entry the push decreases
    is at least 1. Hidden non-zero entries are at least 1, so only hidden zero cells restrict the
    direction. If the check ever fails after the complements (possible only with hidden zeros), every
    non-zero entry is hidden instead, which always satisfies it.

Several tables of the same population
    The total of a one-dimensional table is hidden only when it is below the threshold (it is chosen as a
    complement only when every other cell is zero, and then it equals the small cell). So one-dimensional
    tables of the same people by different characteristics publish or hide their common total alike. A
    two-dimensional table may hide a total of any size; its totals must not be published elsewhere.

What it does not promise
    Bounds. The published figures still bound each hidden entry (by its row and column totals), and the
    public rule "counts 1 to threshold - 1 are never published" is public knowledge. Every hidden entry is
    shown with one and the same marker: telling a small cell apart from a complement would say that the
    complement is at least the threshold (or zero), an extra bound that could pin a cell. An attacker who
    replays this algorithm (it always picks the smallest complements) may learn more than the equations
    say; that is outside the guarantee.
"""

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

Position = tuple[int, int]


def threshold_default() -> int:
    from django.conf import settings

    return settings.REFUGIU.get("STATISTICS_THRESHOLD", 5)


@dataclass(frozen=True)
class Table:
    """Counts `cells[row][column]`; totals are computed, never given, so they cannot disagree."""

    cells: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, cells: Sequence[Sequence[int]]) -> "Table":
        rows = tuple(tuple(int(value) for value in row) for row in cells)
        if any(len(row) != len(rows[0]) for row in rows):
            raise ValueError("rows of different lengths")
        if any(value < 0 for row in rows for value in row):
            raise ValueError("negative count")
        return cls(rows)

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_columns(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    @property
    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(row) for row in self.cells)

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(row[j] for row in self.cells) for j in range(self.n_columns))

    @property
    def total(self) -> int:
        return sum(self.row_totals)

    def grid(self) -> list[list[int]]:
        """The (R+1) × (C+1) grid: cells, row totals in the last column, column totals and the grand total
        in the last row."""
        grid = [[*row, total] for row, total in zip(self.cells, self.row_totals, strict=True)]
        grid.append([*self.column_totals, self.total])
        return grid


@dataclass(frozen=True)
class PublishedTable:
    """A table as published: `None` where hidden. Positions index the grid of `Table.grid`."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None
    hidden: frozenset[Position]
    primary: frozenset[Position]


@dataclass(frozen=True)
class PublishedLine:
    cells: tuple[int | None, ...]
    total: int | None
    hidden: frozenset[int]  # cell indexes; index len(cells) is the total
    primary: frozenset[int]


# --- Two-dimensional tables -------------------------------------------------------------------------------


def _is_margin(position: Position, rows: int, columns: int) -> bool:
    i, j = position
    return i == rows or j == columns


def _lines(rows: int, columns: int) -> list[list[Position]]:
    lines = [[(i, j) for j in range(columns + 1)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows + 1)] for j in range(columns + 1)]
    return lines


def _preference(grid, rows, columns):
    def key(position: Position):
        i, j = position
        return (_is_margin(position, rows, columns), grid[i][j], i, j)

    return key


def _movable(grid: list[list[int]], hidden: set[Position], entry: Position) -> bool:
    """Whether the hidden `entry` can take another value: a simple cycle of hidden entries through it that can
    be pushed one unit without making a count negative (see the module docstring).

    Vertices: ("r", i) for grid rows, ("c", j) for grid columns; a hidden entry (i, j) is an edge. Walking a
    cycle, an edge crossed row→column gains one unit in the signed grid and one crossed column→row loses
    one; a margin (signed negative) moves the other way. A hidden zero cell may only gain: it is crossed
    row→column only. Everything else hidden is at least 1 and may be crossed either way."""
    rows, columns = len(grid) - 1, len(grid[0]) - 1

    def neighbours(vertex):
        side, index = vertex
        for i, j in hidden:
            if (i, j) == entry:
                continue
            if side == "r" and i == index:
                yield ("c", j)
            elif side == "c" and j == index:
                zero_cell = grid[i][j] == 0 and not _is_margin((i, j), rows, columns)
                if not zero_cell:
                    yield ("r", i)

    def reaches(start, goal) -> bool:
        seen, queue = {start}, deque([start])
        while queue:
            vertex = queue.popleft()
            if vertex == goal:
                return True
            for following in neighbours(vertex):
                if following not in seen:
                    seen.add(following)
                    queue.append(following)
        return False

    i, j = entry
    # Cross the entry row→column, come back column→row (always allowed for the entry itself)...
    if reaches(("c", j), ("r", i)):
        return True
    # ...or cross it column→row: not for a hidden zero cell, which would go negative.
    if grid[i][j] == 0 and not _is_margin(entry, rows, columns):
        return False
    return reaches(("r", i), ("c", j))


def _component(hidden: set[Position], start, without: Position) -> set:
    seen, queue = {start}, deque([start])
    while queue:
        side, index = queue.popleft()
        for i, j in hidden:
            if (i, j) == without:
                continue
            if side == "r" and i == index:
                following = ("c", j)
            elif side == "c" and j == index:
                following = ("r", i)
            else:
                continue
            if following not in seen:
                seen.add(following)
                queue.append(following)
    return seen


def suppress_grid(grid: list[list[int]], threshold: int) -> tuple[set[Position], set[Position]]:
    """(hidden, primary) positions of an (R+1) × (C+1) grid whose last row and column are the totals."""
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    positions = [(i, j) for i in range(rows + 1) for j in range(columns + 1)]
    primary = {(i, j) for i, j in positions if 0 < grid[i][j] < threshold}
    hidden = set(primary)
    preference = _preference(grid, rows, columns)
    lines = _lines(rows, columns)

    def candidate_ok(position: Position, allow_zero: bool) -> bool:
        i, j = position
        if position in hidden:
            return False
        if grid[i][j] == 0:
            return allow_zero and not _is_margin(position, rows, columns)
        return True

    for _round in range(len(positions) + 1):
        changed = False
        # 1. No line with exactly one hidden entry (a non-zero candidate always exists: see docstring).
        for line in lines:
            if sum(position in hidden for position in line) == 1:
                candidates = [p for p in line if candidate_ok(p, allow_zero=False)]
                if candidates:
                    hidden.add(min(candidates, key=preference))
                    changed = True
        if changed:
            continue
        # 2. No hidden entry that the equations pin: join the two sides of the cut it bridges.
        for entry in sorted(hidden, key=preference):
            if _movable(grid, hidden, entry):
                continue
            i, j = entry
            side_row = _component(hidden, ("r", i), entry)
            side_column = _component(hidden, ("c", j), entry)
            if ("c", j) in side_row:
                continue  # not a bridge: pinned by zeros; handled by the final fallback
            crossing = [
                (a, b)
                for (a, b) in positions
                if (("r", a) in side_row and ("c", b) in side_column)
                or (("r", a) in side_column and ("c", b) in side_row)
            ]
            candidates = [p for p in crossing if candidate_ok(p, allow_zero=False)] or [
                p for p in crossing if candidate_ok(p, allow_zero=True)
            ]
            if candidates:
                hidden.add(min(candidates, key=preference))
                changed = True
                break
        if not changed:
            break

    if not all(_movable(grid, hidden, entry) for entry in hidden):
        hidden = {(i, j) for i, j in positions if grid[i][j] > 0}
    return hidden, primary


def suppress_table(table: Table, threshold: int | None = None) -> PublishedTable:
    threshold = threshold_default() if threshold is None else threshold
    rows, columns = table.n_rows, table.n_columns
    if rows == 0 or columns == 0:
        total = table.total
        return PublishedTable(
            cells=tuple(() for _ in range(rows)),
            row_totals=(None,) * rows if 0 < total < threshold else table.row_totals,
            column_totals=table.column_totals,
            total=None if 0 < total < threshold else total,
            hidden=frozenset(),
            primary=frozenset(),
        )
    grid = table.grid()
    hidden, primary = suppress_grid(grid, threshold)

    def show(i, j):
        return None if (i, j) in hidden else grid[i][j]

    return PublishedTable(
        cells=tuple(tuple(show(i, j) for j in range(columns)) for i in range(rows)),
        row_totals=tuple(show(i, columns) for i in range(rows)),
        column_totals=tuple(show(rows, j) for j in range(columns)),
        total=show(rows, columns),
        hidden=frozenset(hidden),
        primary=frozenset(primary),
    )


# --- One-dimensional tables -------------------------------------------------------------------------------


def suppress_line(cells: Sequence[int], threshold: int | None = None) -> PublishedLine:
    """Counts published with their total. Hidden: cells and a total in 1..threshold-1; then, if exactly
    one entry is hidden, the smallest non-zero cell (or, if every other cell is zero, the total).

    With two or more hidden entries, all non-zero, each can trade one unit with another (two cells: one up,
    one down; a cell and the total: both up), so none is determined."""
    threshold = threshold_default() if threshold is None else threshold
    values = [int(value) for value in cells]
    if any(value < 0 for value in values):
        raise ValueError("negative count")
    entries = [*values, sum(values)]
    total_index = len(values)
    primary = {index for index, value in enumerate(entries) if 0 < value < threshold}
    hidden = set(primary)
    if len(hidden) == 1:
        candidates = [index for index in range(len(values)) if index not in hidden and values[index] > 0]
        if candidates:
            hidden.add(min(candidates, key=lambda index: (values[index], index)))
        else:
            hidden.add(total_index)
    return PublishedLine(
        cells=tuple(None if index in hidden else value for index, value in enumerate(values)),
        total=None if total_index in hidden else entries[total_index],
        hidden=frozenset(hidden),
        primary=frozenset(primary),
    )
