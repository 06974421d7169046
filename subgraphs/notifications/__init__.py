"""The notifications subgraph: e-mail and SMS about a user's account and orders."""
