/** The GraphQL Code Generator config both apps share; documents from operations.json. */
import { documentFiles, supergraph } from './operations.mjs';

export function codegenConfig(appDir) {
  return {
    // MINISHOP_SUPERGRAPH: check the apps against another composition (one not yet committed).
    schema: process.env.MINISHOP_SUPERGRAPH || supergraph,
    documents: documentFiles(appDir),
    ignoreNoDocuments: false,
    errorsOnly: true,
    silent: false,
    verbose: false,
    generates: {
      [`${appDir}/src/gql/`]: {
        preset: 'client',
        presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
        config: {
          documentMode: 'string',
          enumsAsTypes: true,
          useTypeImports: true,
          skipTypename: true,
          strictScalars: true,
          scalars: {
            DateTime: 'string',
            Decimal: 'string',
            // The supergraph's own federation scalars; no operation uses them.
            join__DirectiveArguments: 'unknown',
            join__FieldSet: 'unknown',
            join__FieldValue: 'unknown',
            link__Import: 'unknown',
          },
        },
      },
    },
  };
}
