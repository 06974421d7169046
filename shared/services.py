"""The services that make up MiniShop and where they listen by default.

One list drives the local stack, the schema pipeline and the tests, so adding a
subgraph means adding one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

GATEWAY_PORT = 4000


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """A subgraph: its name (also its env prefix and database name) and port."""

    name: str
    port: int
    uses_postgres: bool = True

    @property
    def app_factory(self) -> str:
        """Import path of the ASGI app factory, in uvicorn's `module:callable` form."""
        return f"subgraphs.{self.name}.app:create_app"

    @property
    def env_prefix(self) -> str:
        return f"{self.name.upper()}_"

    @property
    def database_name(self) -> str:
        return f"minishop_{self.name}"


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("accounts", 4001),
    ServiceSpec("catalog", 4002),
    ServiceSpec("cart", 4003, uses_postgres=False),
    ServiceSpec("orders", 4004),
    ServiceSpec("payments", 4005),
    ServiceSpec("shipping", 4006),
    ServiceSpec("notifications", 4007),
)


def service(name: str) -> ServiceSpec:
    for spec in SERVICES:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown service {name!r}")


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """A process the local stack runs beside the subgraphs, not part of the graph.

    Either an ASGI app (`app_factory`, served by uvicorn) or a module run with
    `python -m module --host H --http-port P [--smtp-port S --dir D]` (the mailbox).
    Either way it answers `GET /health/ready` on `http_port` once it serves.
    """

    name: str
    http_port: int
    app_factory: str | None = None
    module: str | None = None
    smtp_port: int | None = None

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.http_port,) if self.smtp_port is None else (self.http_port, self.smtp_port)


# Stand-ins for third parties in the local stack and the tests: the payment
# processor (a provider's API) and a mailbox that keeps every e-mail as a file.
PAYMENT_PROCESSOR = ComponentSpec(
    "processor", 4010, app_factory="subgraphs.payments.processor.app:create_app"
)
MAILBOX = ComponentSpec("mailbox", 4026, module="shared.devstack.mailbox", smtp_port=4025)
COMPONENTS: tuple[ComponentSpec, ...] = (PAYMENT_PROCESSOR, MAILBOX)


@dataclass(frozen=True, slots=True)
class WebAppSpec:
    """A front-end app the local stack serves: its Vite build and port."""

    name: str
    http_port: int

    @property
    def build_dir(self) -> str:
        """Where `npm run build --prefix web` writes it, from the repository root."""
        return f"web/{self.name}/dist"


WEB_APPS: tuple[WebAppSpec, ...] = (WebAppSpec("storefront", 4030), WebAppSpec("admin", 4031))
