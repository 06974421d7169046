"""Products listing, look-ups and entity batching on the catalog subgraph."""

from __future__ import annotations

import pytest

from tests.support.services import RunningService, mint_token

PAGE = """
query Page($first: Int, $after: String, $sort: ProductSort, $filter: ProductFilter) {
  products(first: $first, after: $after, sort: $sort, filter: $filter) {
    edges { cursor node { id name price { amount currencyCode } stock inStock } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
    totalCount
  }
}
"""
PAGE_WITH_CATEGORIES = """
query { products(first: 100) { nodes { id name category { id name parent { id } } } } }
"""
ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Product { id name price { amount } } }
}
"""


async def _all_ids(service: RunningService, sort: str, first: int = 37) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        page = (
            await service.graphql.execute(PAGE, {"first": first, "after": after, "sort": sort})
        ).ok()["products"]
        ids += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("sort", ["NEWEST", "PRICE_ASC", "PRICE_DESC", "NAME_ASC", "RELEVANCE"])
async def test_paging_visits_every_product_once(seeded: RunningService, sort: str) -> None:
    total = (await seeded.graphql.execute(PAGE, {"first": 1})).ok()["products"]["totalCount"]
    ids = await _all_ids(seeded, sort)
    assert total == 240
    assert len(ids) == len(set(ids)) == total


async def test_price_sort_is_ordered(seeded: RunningService) -> None:
    page = (await seeded.graphql.execute(PAGE, {"first": 100, "sort": "PRICE_ASC"})).ok()
    amounts = [float(e["node"]["price"]["amount"]) for e in page["products"]["edges"]]
    assert amounts == sorted(amounts)
    assert {e["node"]["price"]["currencyCode"] for e in page["products"]["edges"]} == {"USD"}


async def test_search_is_stemmed_and_prefix_matched(seeded: RunningService) -> None:
    # "runner" stems to match "Runners"; "shoe" as a prefix of the last word typed.
    stemmed = (await seeded.graphql.execute(PAGE, {"filter": {"search": "TRAIL runner"}})).ok()
    names = [e["node"]["name"] for e in stemmed["products"]["edges"]]
    assert names and all("Trail Runners" in name for name in names)
    prefix = (await seeded.graphql.execute(PAGE, {"filter": {"search": "espresso mach"}})).ok()
    assert prefix["products"]["totalCount"] == 8


async def test_first_above_100_is_bad_user_input(seeded: RunningService) -> None:
    result = await seeded.graphql.execute(PAGE, {"first": 101})
    assert result.error_codes == ["BAD_USER_INPUT"]
    garbage = await seeded.graphql.execute(PAGE, {"after": "not-a-cursor"})
    assert garbage.error_codes == ["BAD_USER_INPUT"]


async def test_page_of_100_with_categories_is_at_most_3_statements(
    seeded: RunningService,
) -> None:
    with seeded.sql.counting() as sql:
        data = (await seeded.graphql.execute(PAGE_WITH_CATEGORIES)).ok()
    assert len(data["products"]["nodes"]) == 100
    assert all(node["category"]["parent"]["id"] for node in data["products"]["nodes"])
    # products page, their categories, the categories' parents
    assert len(sql) <= 3, sql.statements


async def test_entities_with_100_products_is_one_statement(seeded: RunningService) -> None:
    ids = await _all_ids(seeded, "NEWEST", first=100)
    representations = [{"__typename": "Product", "id": pid} for pid in ids[:100]]
    with seeded.sql.counting() as sql:
        data = (await seeded.graphql.execute(ENTITIES, {"representations": representations})).ok()
    assert [entity["id"] for entity in data["_entities"]] == ids[:100]
    assert len(sql) == 1, sql.statements


async def test_created_by_is_for_admins_only(seeded: RunningService) -> None:
    query = "query { products(first: 1) { nodes { createdBy { id } } } }"
    customer = await seeded.graphql.as_user(
        mint_token("00000000-0000-0000-0000-00000000000c")
    ).execute(query)
    assert customer.error_codes == ["FORBIDDEN"]
    admin = mint_token("00000000-0000-0000-0000-00000000000a", roles=["CUSTOMER", "ADMIN"])
    assert (await seeded.graphql.as_user(admin).execute(query)).ok()


async def test_product_by_slug_sku_and_bad_arguments(seeded: RunningService) -> None:
    query = "query P($sku: String, $slug: String) { product(sku: $sku, slug: $slug) { sku slug } }"
    by_sku = (await seeded.graphql.execute(query, {"sku": "MS-HEA-0001"})).ok()["product"]
    by_slug = (await seeded.graphql.execute(query, {"slug": by_sku["slug"]})).ok()["product"]
    assert by_slug == by_sku
    both = await seeded.graphql.execute(query, {"sku": "MS-HEA-0001", "slug": by_sku["slug"]})
    assert both.error_codes == ["BAD_USER_INPUT"]
    missing = await seeded.graphql.execute(query, {"sku": "nope"})
    assert missing.ok() == {"product": None}


async def test_partners_need_the_catalog_read_scope(seeded: RunningService) -> None:
    query = "query { products(first: 1) { totalCount } }"
    without = mint_token("partner-client-1", scopes=["shipping:read"], partner=True)
    with_scope = mint_token("partner-client-2", scopes=["catalog:read"], partner=True)
    refused = await seeded.graphql.as_user(without).execute(query)
    assert refused.error_codes == ["FORBIDDEN"]
    allowed = await seeded.graphql.as_user(with_scope).execute(query)
    assert allowed.ok()["products"]["totalCount"] == 240
    # Storefronts list products without signing in.
    assert (await seeded.graphql.execute(query)).ok()["products"]["totalCount"] == 240


async def test_a_categorys_products_follow_the_same_partner_rule(seeded: RunningService) -> None:
    slug = (await seeded.graphql.execute("query { categories { slug } }")).ok()["categories"][0]
    query = (
        "query C($slug: String!) { category(slug: $slug) { products(first: 1) { totalCount } } }"
    )
    variables = {"slug": slug["slug"]}
    without = mint_token("partner-client-4", scopes=["shipping:read"], partner=True)
    with_scope = mint_token("partner-client-5", scopes=["catalog:read"], partner=True)
    refused = await seeded.graphql.as_user(without).execute(query, variables)
    assert refused.error_codes == ["FORBIDDEN"]
    assert refused.data == {"category": None}
    allowed = (await seeded.graphql.as_user(with_scope).execute(query, variables)).ok()
    public = (await seeded.graphql.execute(query, variables)).ok()
    assert allowed == public
    assert public["category"]["products"]["totalCount"] > 0


async def test_a_partner_document_the_gateway_did_not_sign_is_forbidden(
    seeded: RunningService,
) -> None:
    query = "query { products(first: 1) { totalCount } }"
    partner = mint_token("partner-client-3", scopes=["catalog:read"], partner=True)

    ad_hoc = await seeded.graphql.as_user(partner).unregistered().execute(query)
    forged = (
        await seeded.graphql.as_user(partner)
        .unregistered()
        .execute(query, **{"x-minishop-operation": "v1.forged.signature"})
    )

    assert ad_hoc.error_codes == ["FORBIDDEN"] and ad_hoc.data is None
    assert forged.error_codes == ["FORBIDDEN"]


async def test_a_page_of_a_category_and_its_subcategories_is_one_statement(
    seeded: RunningService,
) -> None:
    roots = (await seeded.graphql.execute("query { categories { id children { id } } }")).ok()
    root = roots["categories"][0]
    with seeded.sql.counting() as sql:
        page = (
            await seeded.graphql.execute(PAGE, {"first": 100, "filter": {"categoryId": root["id"]}})
        ).ok()["products"]
    # The subtree is looked up inside the page's statement; totalCount is the second.
    assert len(sql) == 2, sql.statements
    leaves = {child["id"] for child in root["children"]}
    assert page["totalCount"] == len(page["edges"]) > 0
    category_of = """query($id: ID!) { product(id: $id) { category { id } } }"""
    for edge in page["edges"][:5]:
        found = (await seeded.graphql.execute(category_of, {"id": edge["node"]["id"]})).ok()
        assert found["product"]["category"]["id"] in leaves
