import type { ReactNode } from 'react';

import { href } from '@minishop/web-shared/router';

import { useShop } from '../shop';

/** The page for signed-in shoppers only; others get a link that comes back here. */
export function RequireSignIn({ children, what }: { children: ReactNode; what: string }) {
  const { viewer } = useShop();
  if (viewer) return <>{children}</>;
  return (
    <div className="card">
      <h1>Sign in</h1>
      <p>
        <a href={href(['signin'], { next: window.location.hash })}>Sign in</a> or{' '}
        <a href={href(['signup'], { next: window.location.hash })}>create an account</a> to see {what}.
      </p>
    </div>
  );
}
