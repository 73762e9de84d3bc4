"""Splitting a stream of items into lists of a fixed size (itertools.batched arrives only in Python 3.12)."""

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def in_batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of `size` items (the last may be shorter); reads `items` lazily, once."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
