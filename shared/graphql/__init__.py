"""The GraphQL layer every subgraph shares: context, errors, pagination, scalars."""
