"""The payments mutations."""

from subgraphs.payments.graphql.mutations.refunds import RefundMutations

__all__ = ["RefundMutations"]
