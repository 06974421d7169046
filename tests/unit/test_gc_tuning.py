"""Start-up objects are frozen while a server runs, and thawed when it stops."""

from __future__ import annotations

import gc
import weakref

from shared.gc_tuning import startup_objects_frozen


def test_objects_made_before_are_frozen_and_thawed_after() -> None:
    kept = [[index] for index in range(10_000)]
    tracked_before = len(gc.get_objects())

    with startup_objects_frozen():
        assert gc.get_freeze_count() >= len(kept)
        # Full collections no longer walk them.
        assert len(gc.get_objects()) < tracked_before - len(kept)

    assert gc.get_freeze_count() == 0
    assert len(gc.get_objects()) >= len(kept)


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_garbage_frozen_at_start_is_collectable_after_stop() -> None:
    garbage = weakref.ref(_Cycle())  # unreachable, but only a collection frees a cycle

    with startup_objects_frozen():
        gc.collect()
        assert garbage() is not None  # frozen: out of the collector's sight

    gc.collect()
    assert garbage() is None
