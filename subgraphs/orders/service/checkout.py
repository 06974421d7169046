"""Checkout: turn the signed-in user's cart into a paid order, once per idempotency key.

The steps, each persisted before the next so a crash can be resumed or undone:

1. claim (user, key) in `checkouts`, with the new order's id and a fingerprint
   of what is bought; a repeat of the key returns that checkout's order;
2. price the cart from the catalog, quote shipping, resolve the address;
3. reserve every line in the catalog under the order id;
4. create the order PENDING_PAYMENT (with its item snapshot and history);
5. charge it through payments, then record the outcome (`PaymentOutcomes`).

Until step 4 a failure removes the claim (releasing any reservation), so
nothing is left behind; from step 4 on the order stands, and what is not
settled yet is settled by the recovery job. A started checkout runs to its end
even if the caller goes away.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.errors import DomainError, ValidationFailed
from shared.graphql.money import quantize
from subgraphs.orders import repository
from subgraphs.orders.clients import AccountsClient, CartClient, CatalogClient, ShippingClient
from subgraphs.orders.clients.cart import CartLine
from subgraphs.orders.clients.catalog import CatalogProduct
from subgraphs.orders.clients.errors import (
    AddressNotFound,
    OutOfStock,
    PeerRefused,
    PeerUnavailable,
    ProductsUnavailable,
    UnknownShippingMethod,
)
from subgraphs.orders.models import CheckoutRow, CheckoutStep, OrderItemRow, OrderRow, OrderStatus
from subgraphs.orders.service import errors
from subgraphs.orders.service.checkout_outcomes import count_checkout, error_outcome, result_outcome
from subgraphs.orders.service.payment import Charger, CheckoutResult, outcome_error
from subgraphs.orders.service.transitions import record_created
from subgraphs.orders.service.validation import CheckoutRequest, ShippingAddress

logger = logging.getLogger("minishop.orders.checkout")

CLAIM_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class CheckoutPeers:
    cart: CartClient
    catalog: CatalogClient
    shipping: ShippingClient
    accounts: AccountsClient


@dataclass(frozen=True, slots=True)
class _Priced:
    lines: list[tuple[CartLine, CatalogProduct]]
    shipping_cost: Decimal
    address: ShippingAddress


def fingerprint(lines: list[CartLine], request: CheckoutRequest) -> str:
    """What a checkout buys, where it goes and how: a key may only repeat that."""
    content = {
        "lines": sorted([str(line.product_id), line.quantity] for line in lines),
        "method": request.shipping_method,
        "address": asdict(request.address) if request.address else None,
        "address_id": str(request.address_id) if request.address_id else None,
    }
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


class CheckoutService:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        peers: CheckoutPeers,
        charger: Charger,
        *,
        currency: str,
        reservation_ttl_seconds: int,
        wait_seconds: float,
        poll_seconds: float,
    ) -> None:
        self._db = sessionmaker
        self._peers = peers
        self._charger = charger
        self._currency = currency
        self._ttl = reservation_ttl_seconds
        self._wait = wait_seconds
        self._poll = poll_seconds
        # Checkouts outlive the requests that started them; kept here so they
        # are not garbage-collected mid-way.
        self._running: set[asyncio.Task[CheckoutResult]] = set()

    async def checkout(self, user_id: uuid.UUID, request: CheckoutRequest) -> CheckoutResult:
        """Raises DomainError when nothing was written (CART_EMPTY, OUT_OF_STOCK,
        PRODUCT_UNAVAILABLE, INVALID_INPUT, NOT_FOUND, IDEMPOTENCY_KEY_REUSED,
        CHECKOUT_IN_PROGRESS, SERVICE_UNAVAILABLE); returns the order otherwise,
        with PAYMENT_DECLINED, PAYMENT_UNAVAILABLE or INVALID_INPUT when it failed."""
        task = asyncio.create_task(self._checkout(user_id, request))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return await asyncio.shield(task)

    async def _checkout(self, user_id: uuid.UUID, request: CheckoutRequest) -> CheckoutResult:
        lines = await self._cart_lines(user_id)
        key = request.idempotency_key
        for _ in range(CLAIM_ATTEMPTS):
            if not lines:
                # The order of this key may be what emptied the cart.
                existing = await self._replay(user_id, key, fingerprint=None)
                if existing is not None:
                    return existing
                raise errors.cart_empty()
            order_id = uuid.uuid4()
            async with self._db.begin() as session:
                claimed = await repository.claim(
                    session,
                    user_id=user_id,
                    key=key,
                    fingerprint=fingerprint(lines, request),
                    order_id=order_id,
                )
            if claimed:
                return await self._counted_place(user_id, order_id, request, lines)
            existing = await self._replay(user_id, key, fingerprint(lines, request))
            if existing is not None:
                return existing
            # The checkout holding the key gave up (and freed it) meanwhile: claim again.
        raise errors.checkout_in_progress()

    async def _cart_lines(self, user_id: uuid.UUID) -> list[CartLine]:
        try:
            return await self._peers.cart.lines(user_id)
        except (PeerUnavailable, PeerRefused) as error:
            logger.warning("checkout could not read the cart: %s", error)
            raise errors.service_unavailable() from error

    async def _replay(
        self, user_id: uuid.UUID, key: str, fingerprint: str | None
    ) -> CheckoutResult | None:
        """The outcome of the checkout that holds the key, waiting (a bounded time)
        while it runs; None when the key is free. IDEMPOTENCY_KEY_REUSED when it
        bought something else (`fingerprint` None: the cart is empty now, which that
        checkout may have done, so any holder matches)."""
        deadline = asyncio.get_running_loop().time() + self._wait
        while True:
            async with self._db() as session:
                claim = await repository.checkout_of(session, user_id, key)
                order = await self._order_of(session, claim)
            if claim is None:
                return None
            if fingerprint is not None and claim.fingerprint != fingerprint:
                raise errors.idempotency_key_reused()
            settled = order is not None and (
                order.status != OrderStatus.PENDING_PAYMENT
                or claim.step == CheckoutStep.AWAITING_PAYMENT
            )
            if order is not None and (settled or asyncio.get_running_loop().time() >= deadline):
                return CheckoutResult(order, outcome_error(order))
            if asyncio.get_running_loop().time() >= deadline:
                raise errors.checkout_in_progress()
            await asyncio.sleep(self._poll)

    async def _order_of(self, session: AsyncSession, claim: CheckoutRow | None) -> OrderRow | None:
        if claim is None or claim.step == CheckoutStep.CLAIMED:
            return None
        found = await repository.orders_by_ids(session, [claim.order_id])
        return found[0] if found else None

    async def _counted_place(
        self,
        user_id: uuid.UUID,
        order_id: uuid.UUID,
        request: CheckoutRequest,
        lines: list[CartLine],
    ) -> CheckoutResult:
        """`_place`, counted by outcome (a replayed key is not counted again)."""
        try:
            result = await self._place(user_id, order_id, request, lines)
        except Exception as error:
            count_checkout(error_outcome(error))
            raise
        count_checkout(result_outcome(result))
        return result

    async def _place(
        self,
        user_id: uuid.UUID,
        order_id: uuid.UUID,
        request: CheckoutRequest,
        lines: list[CartLine],
    ) -> CheckoutResult:
        reserving = False
        try:
            priced = await self._price(user_id, request, lines)
            reserving = True
            await self._reserve(order_id, priced)
            order = await self._create(user_id, order_id, request, priced)
        except BaseException:
            # Nothing of this checkout may stay: no claim, no held stock.
            await self._abandon(order_id, release=reserving)
            raise
        return await self._charger.charge(order, request.payment_token)

    async def _price(
        self, user_id: uuid.UUID, request: CheckoutRequest, lines: list[CartLine]
    ) -> _Priced:
        """Prices from the catalog (never the client), the shipping quote and the address,
        asked for together; every user-fixable problem is reported at once."""
        products, quote, address = await asyncio.gather(
            self._peers.catalog.products([line.product_id for line in lines]),
            self._peers.shipping.quote(request.shipping_method, self._currency),
            self._address(user_id, request),
            return_exceptions=True,
        )
        problems: list[DomainError] = []
        if isinstance(address, AddressNotFound):
            problems.append(errors.not_found("saved address of yours", "addressId"))
        if isinstance(quote, UnknownShippingMethod):
            problems.append(
                DomainError(
                    "INVALID_INPUT",
                    f"There is no shipping method {request.shipping_method}.",
                    ["shippingMethod"],
                )
            )
        if isinstance(products, dict):
            unavailable = [
                line.product_id
                for line in lines
                if (found := products.get(line.product_id)) is None
                or not found.active
                or found.currency != self._currency
            ]
            if unavailable:
                problems.append(_unavailable(unavailable))
        if problems:
            raise ValidationFailed(problems)
        for outcome in (products, quote, address):
            if isinstance(outcome, (PeerUnavailable, PeerRefused)):
                logger.warning("checkout could not price the order: %s", outcome)
                raise errors.service_unavailable() from outcome
            if isinstance(outcome, BaseException):
                raise outcome
        assert isinstance(products, dict) and not isinstance(quote, BaseException)
        assert isinstance(address, ShippingAddress)
        if quote.currency != self._currency:
            logger.error("shipping quoted in %s, orders are in %s", quote.currency, self._currency)
            raise errors.service_unavailable()
        return _Priced(
            lines=[(line, products[line.product_id]) for line in lines],
            shipping_cost=quantize(quote.price),
            address=address,
        )

    async def _address(self, user_id: uuid.UUID, request: CheckoutRequest) -> ShippingAddress:
        if request.address is not None:
            return request.address
        assert request.address_id is not None
        saved = await self._peers.accounts.address(user_id, request.address_id)
        return ShippingAddress(
            full_name=saved.full_name,
            line1=saved.line1,
            line2=saved.line2,
            city=saved.city,
            region=saved.region,
            postal_code=saved.postal_code,
            country=saved.country,
            phone=saved.phone,
        )

    async def _reserve(self, order_id: uuid.UUID, priced: _Priced) -> None:
        lines = [(line.product_id, line.quantity) for line, _ in priced.lines]
        try:
            await self._peers.catalog.reserve(order_id, lines, self._ttl)
        except OutOfStock as short:
            names = {line.product_id: product.name for line, product in priced.lines}
            named = ", ".join(f"{names.get(p, 'unknown')} ({p})" for p in short.product_ids)
            raise DomainError("OUT_OF_STOCK", f"Not enough stock for: {named}.") from short
        except ProductsUnavailable as gone:
            raise _unavailable(gone.product_ids) from gone
        except (PeerUnavailable, PeerRefused) as error:
            logger.warning("checkout could not reserve stock: %s", error)
            raise errors.service_unavailable() from error

    async def _create(
        self, user_id: uuid.UUID, order_id: uuid.UUID, request: CheckoutRequest, priced: _Priced
    ) -> OrderRow:
        items = [
            OrderItemRow(
                order_id=order_id,
                position=position,
                product_id=product.id,
                sku=product.sku,
                name=product.name,
                unit_price=quantize(product.price),
                quantity=line.quantity,
            )
            for position, (line, product) in enumerate(priced.lines)
        ]
        subtotal = quantize(sum((item.line_total for item in items), Decimal("0")))
        address = priced.address
        order = OrderRow(
            id=order_id,
            user_id=user_id,
            status=OrderStatus.PENDING_PAYMENT.value,
            currency=self._currency,
            subtotal=subtotal,
            shipping_cost=priced.shipping_cost,
            total=subtotal + priced.shipping_cost,
            ship_full_name=address.full_name,
            ship_line1=address.line1,
            ship_line2=address.line2,
            ship_city=address.city,
            ship_region=address.region,
            ship_postal_code=address.postal_code,
            ship_country=address.country,
            ship_phone=address.phone,
            shipping_method=request.shipping_method,
        )
        async with self._db.begin() as session:
            claim = await repository.lock_checkout_of_order(session, order_id)
            if claim is None or claim.step != CheckoutStep.CLAIMED:
                # The recovery job gave this checkout up (and released its stock).
                logger.warning("checkout of order %s outlived its claim", order_id)
                raise errors.service_unavailable()
            await repository.insert_order(session, order, items)
            await record_created(session, order, "Order placed; awaiting payment.")
            await repository.set_step(session, order_id, CheckoutStep.ORDER_CREATED)
        return order

    async def _abandon(self, order_id: uuid.UUID, *, release: bool) -> None:
        """Undo a checkout that created no order; the recovery job finishes it if this fails."""
        try:
            if release:
                await self._peers.catalog.release(order_id)
            async with self._db.begin() as session:
                await repository.delete_checkout_of_order(session, order_id)
        except Exception:
            logger.exception("checkout of order %s left for recovery to undo", order_id)


def _unavailable(product_ids: list[uuid.UUID]) -> DomainError:
    listed = ", ".join(str(p) for p in product_ids)
    return DomainError("PRODUCT_UNAVAILABLE", f"These products are no longer for sale: {listed}.")
