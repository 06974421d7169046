/**
 * Subgraph calls named after the client's operation.
 *
 * Hive's Rust query planner sends its subgraph operations anonymous. The
 * subgraphs name their span and their per-operation metrics after the
 * operation they receive (shared/observability), so every call would count
 * as "anonymous": the gateway puts the client's operation name back on the
 * subgraph document, as the JavaScript planner did.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { type DocumentNode, getOperationAST, Kind } from 'graphql';

export function useNamedSubgraphOperations(): GatewayPlugin {
  // The client operation's name, per request context.
  const names = new WeakMap<object, string>();
  // The planner keeps one document per fetch of a cached plan: rename each once,
  // so the executor's print cache still hits.
  const renamed = new WeakMap<DocumentNode, Map<string, DocumentNode>>();

  function named(document: DocumentNode, name: string): DocumentNode {
    let byName = renamed.get(document);
    if (!byName) renamed.set(document, (byName = new Map()));
    let result = byName.get(name);
    if (!result) {
      result = {
        ...document,
        definitions: document.definitions.map((definition) =>
          definition.kind === Kind.OPERATION_DEFINITION && !definition.name
            ? { ...definition, name: { kind: Kind.NAME, value: name } }
            : definition,
        ),
      };
      byName.set(name, result);
    }
    return result;
  }

  return {
    onExecute({ args }) {
      const name = getOperationAST(args.document, args.operationName)?.name?.value;
      if (name && args.contextValue) names.set(args.contextValue, name);
    },
    onSubgraphExecute({ executionRequest, setExecutionRequest }) {
      if (executionRequest.operationName || !executionRequest.context) return;
      const name = names.get(executionRequest.context);
      if (!name) return;
      setExecutionRequest({
        ...executionRequest,
        operationName: name,
        document: named(executionRequest.document, name),
      });
    },
  };
}
