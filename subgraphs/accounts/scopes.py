"""The scopes a partner API client can be given.

Each names the partner operations of one subgraph, which checks it with
`RequestContext.require_scope`; a subgraph that opens an operation to
partners adds its scope here, or no client could ever be given it.
"""

from __future__ import annotations

KNOWN_SCOPES: tuple[str, ...] = (
    "catalog:read",  # catalog: products listing
    "shipping:read",  # shipping: a shipment by tracking number
)
