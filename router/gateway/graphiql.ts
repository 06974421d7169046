/**
 * GraphiQL's tabs, for developers: a first tab on signing in, then every
 * operation of schema/operations/ with the fragments it uses, as the apps and
 * partners run them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode } from 'graphql';

export interface Tab {
  query: string;
  variables?: string;
  headers?: string;
}

export const AUTHORIZATION_HELP = `# Signed-in operations need your access token in the Headers pane below:
#   {"Authorization": "Bearer <accessToken>"}
# Run the Login tab (or Register) and copy "accessToken" from its answer;
# it lasts minutes, RefreshToken gives a new one. Partners get theirs from
# IssueClientToken and may run only these registered operations.
`;

function graphqlFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => path.join(folder, name));
}

function spreads(node: DefinitionNode): string[] {
  const names: string[] = [];
  visit(node, {
    [Kind.FRAGMENT_SPREAD](spread) {
      names.push(spread.name.value);
    },
  });
  return names;
}

/** One tab per operation under `folder` (none if the folder is absent). */
export function operationTabs(folder: string, firstQuery: string): Tab[] {
  let files: string[];
  try {
    files = graphqlFiles(folder);
  } catch {
    return [{ query: AUTHORIZATION_HELP + '\n' + firstQuery }];
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: { file: string; node: DefinitionNode }[] = [];
  for (const file of files) {
    for (const node of parse(readFileSync(file, 'utf8')).definitions) {
      if (node.kind === Kind.FRAGMENT_DEFINITION) fragments.set(node.name.value, node);
      else if (node.kind === Kind.OPERATION_DEFINITION) operations.push({ file, node });
    }
  }
  const tabs: Tab[] = [{ query: AUTHORIZATION_HELP + '\n' + firstQuery }];
  for (const { file, node } of operations) {
    const used = new Map<string, FragmentDefinitionNode>();
    const pending = spreads(node);
    while (pending.length > 0) {
      const name = pending.pop() as string;
      const fragment = fragments.get(name);
      if (!fragment || used.has(name)) continue;
      used.set(name, fragment);
      pending.push(...spreads(fragment));
    }
    const text = [node, ...[...used.keys()].sort().map((name) => used.get(name) as FragmentDefinitionNode)]
      .map((definition) => print(definition))
      .join('\n\n');
    const source = path.relative(path.dirname(folder), file).split(path.sep).join('/');
    tabs.push({ query: `# ${source}\n${text}\n` });
  }
  return tabs;
}
