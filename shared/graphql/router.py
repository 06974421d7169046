"""The GraphQL endpoint's router: Strawberry's, with JSON done by orjson.

orjson encodes a response several times faster than `json`; a body it cannot
read (NaN, integers beyond 64 bits, which `json` accepts) falls back to `json`,
so what a request means never depends on which library parsed it.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from strawberry.fastapi import GraphQLRouter


class SubgraphRouter(GraphQLRouter[Any, Any]):
    def decode_json(self, data: str | bytes) -> object:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            return json.loads(data)

    def encode_json(self, data: object) -> bytes:
        try:
            return orjson.dumps(data)
        except TypeError:  # orjson.JSONEncodeError: e.g. an integer beyond 64 bits
            return json.dumps(data, separators=(",", ":")).encode()
