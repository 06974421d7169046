"""Setting up through the gateway what a test's browser then uses (products)."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from typing import Any

import httpx

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken userErrors { code message } }
}
"""
CREATE_PRODUCT = """
mutation CreateProduct($input: ProductCreateInput!) {
  createProduct(input: $input) { product { id slug name } userErrors { field code message } }
}
"""


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    slug: str
    name: str


def unique_word(length: int = 8) -> str:
    """Letters only, so full-text search keeps it one token."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(length))


class Gateway:
    """A minimal GraphQL client of the gateway for test set-up (not the apps' way in)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(timeout=30)
        self.token: str | None = None

    def close(self) -> None:
        self.http.close()

    def execute(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        response = self.http.post(
            self.url, json={"query": query, "variables": variables}, headers=headers
        )
        body = response.json()
        assert not body.get("errors"), body
        data: dict[str, Any] = body["data"]
        return data

    def sign_in(self, email: str, password: str) -> None:
        payload = self.execute(LOGIN, {"input": {"email": email, "password": password}})["login"]
        assert payload["userErrors"] == [], payload
        self.token = payload["accessToken"]

    def create_product(self, name: str, price: str, stock: int = 50) -> Product:
        sku = f"WEB-{unique_word(10).upper()}"
        variables = {
            "input": {
                "sku": sku,
                "name": name,
                "price": price,
                "description": f"{name}, made for the browser tests.",
                "initialStock": stock,
            }
        }
        payload = self.execute(CREATE_PRODUCT, variables)["createProduct"]
        assert payload["userErrors"] == [], payload
        product = payload["product"]
        return Product(id=product["id"], slug=product["slug"], name=product["name"])
