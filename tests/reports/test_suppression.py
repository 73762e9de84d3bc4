"""Primary and complementary suppression (refugiu.reports.suppression), proved by brute force.

The proof does not reuse the module's reasoning (cycles in a graph): for every hidden entry of a small
random table it searches, by plain depth-first enumeration of non-negative integer tables, for a second
table that agrees with everything published and gives that entry another value (its value plus or minus
one). Finding one proves that the published figures do not determine the entry.
"""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from refugiu.reports.suppression import Table, _movable, suppress_line, suppress_table

THRESHOLD = 5

# Two rectangles of small cells joined by a small cell (1, 2): every line holds 0 or at least 2 small cells,
# yet (1, 2) follows from the margins (it is 1). Random tables rarely draw this shape.
BRIDGE = [[1, 1, 9, 9], [1, 1, 1, 9], [9, 9, 1, 1], [9, 9, 1, 1]]


def tables(max_rows=4, max_columns=4, max_value=12):
    return st.integers(1, max_rows).flatmap(
        lambda rows: st.integers(1, max_columns).flatmap(
            lambda columns: st.lists(
                st.lists(
                    # Small counts and zeros are what suppression is about: draw them often.
                    st.one_of(st.integers(0, THRESHOLD - 1), st.integers(0, max_value)),
                    min_size=columns,
                    max_size=columns,
                ),
                min_size=rows,
                max_size=rows,
            )
        )
    )


def shapes(max_rows=4, max_columns=4):
    """Tables of zeros, ones and nines: many hidden cells in varied patterns (rectangles, chains, bridges),
    which uniform counts rarely produce."""
    return st.integers(1, max_rows).flatmap(
        lambda rows: st.integers(1, max_columns).flatmap(
            lambda columns: st.lists(
                st.lists(st.sampled_from([0, 1, 9]), min_size=columns, max_size=columns),
                min_size=rows,
                max_size=rows,
            )
        )
    )


def _known(published, rows, columns) -> dict:
    """The published entries of the (R+1) × (C+1) grid, by position."""
    known = {}
    for i in range(rows):
        for j in range(columns):
            if published.cells[i][j] is not None:
                known[(i, j)] = published.cells[i][j]
        if published.row_totals[i] is not None:
            known[(i, columns)] = published.row_totals[i]
    for j in range(columns):
        if published.column_totals[j] is not None:
            known[(rows, j)] = published.column_totals[j]
    if published.total is not None:
        known[(rows, columns)] = published.total
    return known


def feasible(rows: int, columns: int, known: dict, cap: int) -> bool:
    """Whether some table of non-negative integers (cells at most `cap` unless a published total bounds
    them) agrees with every entry of `known`: plain depth-first search over the unknown cells."""
    unknown = [(i, j) for i in range(rows) for j in range(columns) if (i, j) not in known]
    row_target = [known.get((i, columns)) for i in range(rows)]
    column_target = [known.get((rows, j)) for j in range(columns)]
    grand = known.get((rows, columns))
    row_sum = [sum(known.get((i, j), 0) for j in range(columns)) for i in range(rows)]
    column_sum = [sum(known.get((i, j), 0) for i in range(rows)) for j in range(columns)]
    row_left = [sum((i, j) in unknown for j in range(columns)) for i in range(rows)]
    column_left = [sum((i, j) in unknown for i in range(rows)) for j in range(columns)]

    def broken(total, target, left) -> bool:
        return target is not None and (total > target or (left == 0 and total != target))

    def line_ok(i=None, j=None) -> bool:
        if i is not None and broken(row_sum[i], row_target[i], row_left[i]):
            return False
        return j is None or not broken(column_sum[j], column_target[j], column_left[j])

    if not all(line_ok(i=i) for i in range(rows)) or not all(line_ok(j=j) for j in range(columns)):
        return False

    def search(k: int) -> bool:
        total = sum(row_sum)
        if grand is not None and total > grand:
            return False
        if k == len(unknown):
            return grand is None or total == grand
        i, j = unknown[k]
        if row_left[i] == 1 and row_target[i] is not None:
            values = [row_target[i] - row_sum[i]]
        elif column_left[j] == 1 and column_target[j] is not None:
            values = [column_target[j] - column_sum[j]]
        else:
            bound = cap
            if row_target[i] is not None:
                bound = min(bound, row_target[i] - row_sum[i])
            if column_target[j] is not None:
                bound = min(bound, column_target[j] - column_sum[j])
            if grand is not None:
                bound = min(bound, grand - total)
            values = range(bound + 1)
        for value in values:
            if value < 0:
                continue
            row_sum[i] += value
            column_sum[j] += value
            row_left[i] -= 1
            column_left[j] -= 1
            if line_ok(i=i, j=j) and search(k + 1):
                return True
            row_sum[i] -= value
            column_sum[j] -= value
            row_left[i] += 1
            column_left[j] += 1
        return False

    return search(0)


def hidden_entry_has_another_value(table: Table, published, entry) -> bool:
    rows, columns = table.n_rows, table.n_columns
    grid = table.grid()
    known = _known(published, rows, columns)
    value = grid[entry[0]][entry[1]]
    cap = table.total + 2
    for other in (value - 1, value + 1):
        if other >= 0 and feasible(rows, columns, {**known, entry: other}, cap):
            return True
    return False


# --- The guarantee ---------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
@example(BRIDGE)
def test_no_hidden_entry_is_determined_by_what_is_published(cells):
    table = Table.of(cells)
    published = suppress_table(table, THRESHOLD)
    rows, columns = table.n_rows, table.n_columns
    # The brute force finds the true table itself: the search is sound.
    assert feasible(rows, columns, _known(published, rows, columns), table.total + 2)
    for entry in sorted(published.hidden):
        assert hidden_entry_has_another_value(table, published, entry), (
            cells,
            sorted(published.hidden),
            entry,
        )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes())
def test_no_hidden_entry_is_determined_in_patterned_tables(cells):
    test_no_hidden_entry_is_determined_by_what_is_published.hypothesis.inner_test(cells)


@settings(max_examples=300, deadline=None)
@given(tables(max_rows=6, max_columns=6, max_value=40))
def test_published_entries_are_true_and_never_small(cells):
    table = Table.of(cells)
    published = suppress_table(table, THRESHOLD)
    grid = table.grid()
    rows, columns = table.n_rows, table.n_columns
    shown = [
        *[(published.cells[i][j], grid[i][j]) for i in range(rows) for j in range(columns)],
        *[(published.row_totals[i], grid[i][columns]) for i in range(rows)],
        *[(published.column_totals[j], grid[rows][j]) for j in range(columns)],
        (published.total, table.total),
    ]
    for value, true in shown:
        assert value is None or value == true
        assert value is None or not 0 < value < THRESHOLD
    # Every small entry is hidden, and hidden as primary.
    small = {(i, j) for i in range(rows + 1) for j in range(columns + 1) if 0 < grid[i][j] < THRESHOLD}
    assert small == set(published.primary) <= set(published.hidden)
    # Every line of the grid holds no hidden entry or at least two.
    for i in range(rows + 1):
        assert sum((i, j) in published.hidden for j in range(columns + 1)) != 1
    for j in range(columns + 1):
        assert sum((i, j) in published.hidden for i in range(rows + 1)) != 1


@settings(max_examples=200, deadline=None)
@given(tables(max_rows=6, max_columns=6, max_value=40))
def test_deterministic(cells):
    assert suppress_table(Table.of(cells), THRESHOLD) == suppress_table(Table.of(cells), THRESHOLD)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.just(0), st.integers(THRESHOLD, 60)), min_size=3, max_size=3),
        min_size=1,
        max_size=5,
    )
)
def test_table_without_small_counts_is_unchanged(cells):
    table = Table.of(cells)
    published = suppress_table(table, THRESHOLD)
    if not any(0 < total < THRESHOLD for total in (*table.row_totals, *table.column_totals, table.total)):
        assert not published.hidden
        assert [list(row) for row in published.cells] == [list(row) for row in table.cells]
        assert published.row_totals == table.row_totals
        assert published.column_totals == table.column_totals
        assert published.total == table.total


# --- One-dimensional tables ------------------------------------------------------------------------------


def line_has_another_value(values, published, index) -> bool:
    """Brute force over every non-negative vector agreeing with the published entries."""
    import itertools

    hidden_cells = [k for k in range(len(values)) if published.cells[k] is None]
    total = sum(values)
    cap = total + 2
    seen = set()
    for guess in itertools.product(range(cap + 1), repeat=len(hidden_cells)):
        candidate = list(values)
        for k, value in zip(hidden_cells, guess, strict=True):
            candidate[k] = value
        candidate_total = sum(candidate)
        if published.total is not None and candidate_total != published.total:
            continue
        seen.add(candidate_total if index == len(values) else candidate[index])
        if len(seen) > 1:
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(0, THRESHOLD - 1), st.integers(0, 12)), min_size=1, max_size=4))
def test_line_guarantee(values):
    published = suppress_line(values, THRESHOLD)
    for k, value in enumerate(values):
        assert published.cells[k] is None or (published.cells[k] == value and not 0 < value < THRESHOLD)
    assert published.total is None or (published.total == sum(values) and not 0 < published.total < THRESHOLD)
    assert len(published.hidden) != 1
    for index in published.hidden:
        assert line_has_another_value(values, published, index), (values, published)
    assert suppress_line(values, THRESHOLD) == published


def test_line_without_small_counts_is_unchanged():
    published = suppress_line([0, 7, 12], THRESHOLD)
    assert published.cells == (0, 7, 12) and published.total == 19 and not published.hidden


def test_line_single_small_count_hides_the_smallest_other():
    published = suppress_line([3, 9, 7, 0], THRESHOLD)
    assert published.cells == (None, 9, None, 0)
    assert published.total == 19


def test_line_small_count_alone_hides_the_total():
    published = suppress_line([0, 3, 0], THRESHOLD)
    assert published.cells == (0, None, 0) and published.total is None


# --- Examples --------------------------------------------------------------------------------------------


def test_one_small_cell_gets_a_rectangle_of_complements():
    published = suppress_table(Table.of([[2, 10, 20], [8, 30, 40]]), THRESHOLD)
    assert published.cells == ((None, None, 20), (None, None, 40))
    assert published.row_totals == (32, 78)
    assert published.column_totals == (10, 40, 60)
    assert published.total == 110


def test_a_bridge_between_two_rectangles_is_closed():
    # Hidden cells forming two rectangles joined by one cell: that cell would follow from the margins.
    table = Table.of(BRIDGE)
    published = suppress_table(table, THRESHOLD)
    assert published.hidden - published.primary == {(0, 2)}
    for entry in published.hidden:
        assert hidden_entry_has_another_value(table, published, entry)


def test_small_total_hides_its_line():
    published = suppress_table(Table.of([[1, 2, 0], [10, 20, 30]]), THRESHOLD)
    assert published.row_totals[0] is None
    assert published.cells[0] == (None, None, 0)


@pytest.mark.parametrize("cells", [[[0]], [[0, 0], [0, 0]], [[7]], [[3]]])
def test_degenerate_tables(cells):
    table = Table.of(cells)
    published = suppress_table(table, THRESHOLD)
    for entry in published.hidden:
        assert hidden_entry_has_another_value(table, published, entry)


def test_hidden_zeros_only_move_up():
    # Zeros on a diagonal, nines off it, all hidden: push the zeros up and the nines down. Movable.
    table = Table.of([[0, 9], [9, 0]])
    assert all(_movable(table.grid(), {(0, 0), (0, 1), (1, 0), (1, 1)}, e) for e in [(0, 0), (1, 1)])
    # Two hidden zeros in a row whose total is 0: neither can move.
    table = Table.of([[0, 0], [9, 9]])
    assert not _movable(table.grid(), {(0, 0), (0, 1), (1, 0), (1, 1)}, (0, 0))
