"""A least-recently-used cache bounded by the bytes of what it holds."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class ByteLruCache(Generic[V]):
    """Maps keys to values, evicting the least recently used once ``max_bytes`` is exceeded.

    ``size_of(value)`` gives a value's cost in bytes. A value larger than the whole budget
    is not kept (caching it would evict everything else for one image).
    """

    def __init__(self, max_bytes: int, size_of: Callable[[V], int]) -> None:
        self.max_bytes = int(max_bytes)
        self._size_of = size_of
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0

    def get(self, key: Hashable) -> V | None:
        """The value for ``key`` (now the most recently used), or None."""
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: Hashable, value: V) -> None:
        """Store ``value`` under ``key`` and evict the oldest entries over the budget."""
        self.pop(key)
        size = max(int(self._size_of(value)), 1)
        if size > self.max_bytes:
            return
        self._items[key] = (value, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, (_, old_size) = self._items.popitem(last=False)
            self._bytes -= old_size

    def pop(self, key: Hashable) -> V | None:
        """Remove ``key`` and return its value, or None when absent."""
        item = self._items.pop(key, None)
        if item is None:
            return None
        self._bytes -= item[1]
        return item[0]

    def clear(self) -> None:
        self._items.clear()
        self._bytes = 0

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    @property
    def total_bytes(self) -> int:
        """Bytes currently held (as measured by ``size_of``)."""
        return self._bytes
