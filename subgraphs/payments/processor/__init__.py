"""A stand-in for a card processor's HTTP API, for the local stack and the tests."""
