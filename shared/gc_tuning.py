"""A server's start-up objects kept out of the garbage collector's full passes.

A full collection walks every object the collector tracks. In a subgraph
after start-up that is about 150,000 objects (the schema, SQLAlchemy's,
Strawberry's and FastAPI's machinery), and one full pass measured about
105 ms: a pause for every request in flight, and the storefront's p99. Those
objects live as long as the process, so while it serves they are frozen
(`gc.freeze`): collections then walk only what requests allocate.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def startup_objects_frozen() -> Iterator[None]:
    """Freeze what exists now; thaw on exit.

    No collection first: it would cost a full pass (the tests start an app per
    test), and what start-up left as garbage is a one-off, freed on thawing.
    """
    gc.freeze()
    try:
        yield
    finally:
        # Back in the oldest generation, so an app stopped in a longer-lived
        # process (the tests') can still be collected.
        gc.unfreeze()
