"""What a field costs the gateway's demand control, declared beside the field.

The gateway (Hive Gateway's `demandControl`, Apollo Router's demand control)
estimates an operation before running it: one per object, the weights of
`@cost`, and what sits under a list multiplied by its size. `@listSize` says
that size: a page's is its `first` argument, any other list's the most it can
hold. A list without either counts once, so every list field of the graph
carries one of these.
"""

from __future__ import annotations

from strawberry.federation.schema_directives import Cost, ListSize

# A page holds `first` edges (and as many nodes); `first` left out is the
# default page the field declares.
# (Strawberry's type hints miss ListSize's defaults: an argument left out is not
# printed, where None would print as null and fail composition.)
PAGE = ListSize(slicing_arguments=["first"], sized_fields=["edges", "nodes"])  # type: ignore[call-arg]


def at_most(size: int) -> ListSize:
    """A list that never holds more than `size` entries."""
    return ListSize(assumed_size=size)  # type: ignore[call-arg]


def weighing(weight: int) -> Cost:
    """A field costing `weight` on top of its objects, e.g. a separate query."""
    return Cost(weight=weight)
