/**
 * What clients see of errors: subgraph errors without a public code masked,
 * variable values dropped from coercion messages.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { GraphQLError, type ExecutionResult } from 'graphql';

// The codes MiniShop's subgraphs give their errors (shared/graphql/errors.py,
// the API contract). A subgraph error with any other code, or none, was not
// meant for clients: its message may name a host, a table or a stack frame.
const PUBLIC_ERROR_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
]);
export const INTERNAL_MESSAGE = 'Internal server error.';

function isPublicError(error: GraphQLError): boolean {
  const code = error.extensions?.code;
  return typeof code === 'string' && PUBLIC_ERROR_CODES.has(code);
}

/**
 * A second wall behind the subgraphs' own masking: a subgraph error without
 * a public code reaches the client as a generic internal error (the original
 * is logged). Paths are kept so the error still points at its field.
 */
export function useSubgraphErrorMasking(): GatewayPlugin {
  return {
    onSubgraphExecute({ subgraphName, log }) {
      return ({ result, setResult }) => {
        if (Symbol.asyncIterator in result) return; // no subscriptions in MiniShop
        const errors = (result as ExecutionResult).errors;
        if (!errors?.length || errors.every(isPublicError)) return;
        const masked = errors.map((error) => {
          if (isPublicError(error)) return error;
          log.error(
            { subgraph: subgraphName, error: error.message, path: error.path },
            'subgraph error masked',
          );
          return new GraphQLError(INTERNAL_MESSAGE, {
            nodes: error.nodes,
            source: error.source,
            positions: error.positions,
            path: error.path,
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          });
        });
        setResult({ ...(result as ExecutionResult), errors: masked });
      };
    },
  };
}

// graphql-js quotes a variable it cannot coerce in full: `Variable "$input" got
// invalid value { password: "…" }; <reason>`. The reason is enough for the caller.
const VARIABLE_VALUE = /^(Variable "\$[^"]+" got invalid value) [\s\S]*?; ([\s\S]*)$/;

/** Drop variable values (passwords, tokens) from the messages of coercion errors. */
export function useNoVariableValuesInErrors(): GatewayPlugin {
  return {
    onResultProcess({ result, setResult }) {
      if (!result || Array.isArray(result) || Symbol.asyncIterator in (result as object)) return;
      const errors = (result as ExecutionResult).errors;
      if (!errors?.some((error) => VARIABLE_VALUE.test(error.message))) return;
      const redacted = errors.map((error) =>
        VARIABLE_VALUE.test(error.message)
          ? new GraphQLError(error.message.replace(VARIABLE_VALUE, '$1; $2'), {
              nodes: error.nodes,
              source: error.source,
              positions: error.positions,
              path: error.path,
              extensions: error.extensions,
            })
          : error,
      );
      setResult({ ...(result as ExecutionResult), errors: redacted });
    },
  };
}
