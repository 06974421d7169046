/** The admin app's client and session, built once from config.json. */
import { GraphQLClient } from '@minishop/web-shared/client';
import type { AppConfig } from '@minishop/web-shared/config';
import { Session } from '@minishop/web-shared/session';

import { LogoutDocument, RefreshTokenDocument, type ViewerFieldsFragment } from './gql/graphql';
import { persisted } from './gql/persisted';

export type Viewer = ViewerFieldsFragment;

export interface Graph {
  config: AppConfig;
  client: GraphQLClient;
  session: Session<Viewer>;
}

// Per tab (sessionStorage), named per app so the admin app on another port never shares it.
const REFRESH_TOKEN_KEY = 'minishop.admin.refreshToken';

export function connect(config: AppConfig): Graph {
  const client = new GraphQLClient({ config, persisted, clientName: 'minishop-admin' });
  const session = new Session<Viewer>(
    client,
    {
      async refresh(graph, refreshToken) {
        return (await graph.request(RefreshTokenDocument, { refreshToken })).refreshToken;
      },
      async logout(graph, refreshToken) {
        await graph.request(LogoutDocument, { refreshToken });
      },
    },
    REFRESH_TOKEN_KEY,
  );
  return { config, client, session };
}

export function isAdmin(viewer: Viewer | null): boolean {
  return viewer?.roles.includes('ADMIN') ?? false;
}
