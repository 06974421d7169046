"""The order status machine, on its own."""

from __future__ import annotations

import itertools

import pytest

from shared.errors import DomainError
from subgraphs.orders.models import OrderStatus as S
from subgraphs.orders.service.transitions import check_transition, reachable
from subgraphs.orders.settings import OrdersSettings

LEGAL = {
    (S.PENDING_PAYMENT, S.PAID),
    (S.PENDING_PAYMENT, S.PAYMENT_FAILED),
    (S.PAID, S.SHIPPED),
    (S.PAID, S.CANCELLED),
    (S.PAID, S.REFUNDED),
    (S.SHIPPED, S.DELIVERED),
    (S.SHIPPED, S.REFUNDED),
    (S.DELIVERED, S.RETURN_REQUESTED),
    (S.DELIVERED, S.REFUNDED),
    (S.RETURN_REQUESTED, S.REFUNDED),
}


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_legal_changes_pass(current: S, target: S) -> None:
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    sorted(pair for pair in itertools.product(S, S) if pair not in LEGAL),
)
def test_every_other_change_is_invalid_state(current: S, target: S) -> None:
    with pytest.raises(DomainError) as raised:
        check_transition(current, target)
    assert raised.value.code == "INVALID_STATE"


def test_reachable_follows_legal_changes_only_forwards() -> None:
    assert reachable(S.PAID, S.DELIVERED)
    assert reachable(S.PENDING_PAYMENT, S.REFUNDED)
    assert not reachable(S.DELIVERED, S.SHIPPED)
    assert not reachable(S.CANCELLED, S.REFUNDED)
    assert not reachable(S.PAYMENT_FAILED, S.PAID)


def test_the_order_currency_falls_back_to_the_platform_currency(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ORDERS_CURRENCY", raising=False)
    assert OrdersSettings().store_currency == "USD"
    monkeypatch.setenv("ORDERS_CURRENCY", "EUR")
    assert OrdersSettings().store_currency == "EUR"
