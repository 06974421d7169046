"""Accounts queries."""

from __future__ import annotations

import strawberry

from shared.graphql.cost import PAGE
from shared.graphql.errors import bad_user_input
from shared.graphql.ids import parse_id, try_parse_id
from shared.graphql.pagination import Connection, build_connection, decode_cursor, page_size
from subgraphs.accounts import repository
from subgraphs.accounts.graphql.common import services
from subgraphs.accounts.graphql.loaders import user_by_id_loader
from subgraphs.accounts.graphql.types import AccountsInfo, ApiClient, User

MAX_SEARCH_LENGTH = 200
CURSOR_KEY_LENGTH = 2


def _after_key(after: str | None) -> list[object] | None:
    return decode_cursor(after, CURSOR_KEY_LENGTH) if after is not None else None


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in user; null when anonymous.")
    async def me(self, info: AccountsInfo) -> User | None:
        principal = info.context.principal
        if principal is None or principal.user_id is None:
            return None
        user_id = try_parse_id(principal.user_id)
        if user_id is None:
            return None
        row = await info.context.loader(user_by_id_loader).load(user_id)
        return User.from_row(row) if row else None

    @strawberry.field(description="(admin) One user by id; null when there is none.")
    async def user(self, info: AccountsInfo, id: strawberry.ID) -> User | None:
        info.context.require_admin()
        row = await info.context.loader(user_by_id_loader).load(parse_id(id))
        return User.from_row(row) if row else None

    @strawberry.field(
        description="(admin) Users, newest first, a page at a time; `search` keeps those "
        "whose e-mail or name contains it (any case).",
        directives=[PAGE],
    )
    async def users(
        self,
        info: AccountsInfo,
        first: int | None = 20,
        after: str | None = None,
        search: str | None = None,
    ) -> Connection[User]:
        info.context.require_admin()
        size = page_size(first)
        search = (search or "").strip() or None
        if search is not None and len(search) > MAX_SEARCH_LENGTH:
            raise bad_user_input(f"`search` must be at most {MAX_SEARCH_LENGTH} characters.")
        admin = services(info).admin
        try:
            rows = await admin.page(search=search, limit=size + 1, after_key=_after_key(after))
        except ValueError as exc:
            raise bad_user_input("`after` is not a cursor of this listing.") from exc
        return build_connection(
            rows,
            size=size,
            to_node=User.from_row,
            sort_key=repository.user_sort_key,
            has_previous=after is not None,
            count_total=lambda: admin.count(search=search),
        )

    @strawberry.field(
        description="(admin) Partner API clients, newest first, revoked ones too.",
        directives=[PAGE],
    )
    async def api_clients(
        self, info: AccountsInfo, first: int | None = 20, after: str | None = None
    ) -> Connection[ApiClient]:
        info.context.require_admin()
        size = page_size(first)
        clients = services(info).clients
        try:
            rows = await clients.page(limit=size + 1, after_key=_after_key(after))
        except ValueError as exc:
            raise bad_user_input("`after` is not a cursor of this listing.") from exc
        return build_connection(
            rows,
            size=size,
            to_node=ApiClient.from_row,
            sort_key=repository.client_sort_key,
            has_previous=after is not None,
            count_total=clients.count,
        )
