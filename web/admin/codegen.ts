/**
 * Types for the admin app's operations, generated from its documents in
 * schema/operations and the supergraph: a schema change that breaks one of
 * them fails `npm run typecheck` (and so `npm run build`).
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

import { codegenConfig } from '../shared/scripts/codegen.mjs';

const config: CodegenConfig = codegenConfig(import.meta.dirname);
export default config;
