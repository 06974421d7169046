"""The notifications subgraph's GraphQL layer."""
