"""Accounts queries."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from shared.graphql.context import RequestContext
from shared.graphql.ids import try_parse_id
from subgraphs.accounts.graphql.loaders import user_by_id_loader
from subgraphs.accounts.graphql.types import User


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in user; null when anonymous.")
    async def me(self, info: Info[RequestContext, None]) -> User | None:
        principal = info.context.principal
        if principal is None or principal.user_id is None:
            return None
        user_id = try_parse_id(principal.user_id)
        if user_id is None:
            return None
        row = await info.context.loader(user_by_id_loader).load(user_id)
        return User.from_row(row) if row else None
