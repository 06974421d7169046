"""The cart's internal API (`/internal/carts/…`), for checkout."""
