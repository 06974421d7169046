/** What every page of the storefront shares: the graph, the signed-in shopper, the cart. */
import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';

import { type Run, RunContext } from '@minishop/web-shared/hooks';

import type { Graph, Viewer } from './graph';
import { CartDocument, type CartFieldsFragment } from './gql/graphql';

export interface Shop {
  graph: Graph;
  viewer: Viewer | null;
  /** null while signed out or not loaded yet. */
  cart: CartFieldsFragment | null;
  setCart: (cart: CartFieldsFragment | null) => void;
  reloadCart: () => Promise<void>;
}

const ShopContext = createContext<Shop | null>(null);

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error('useShop outside ShopProvider');
  return shop;
}

export function ShopProvider({ graph, children }: { graph: Graph; children: ReactNode }) {
  const { session } = graph;
  const [viewer, setViewer] = useState<Viewer | null>(session.user);
  const [cart, setCart] = useState<CartFieldsFragment | null>(null);
  useEffect(() => session.subscribe(setViewer), [session]);

  const run = useCallback<Run>(
    (document, variables, signal) => session.request(document, variables, signal),
    [session],
  );

  const reloadCart = useCallback(async () => {
    if (!session.signedIn) {
      setCart(null);
      return;
    }
    try {
      setCart((await session.request(CartDocument, {})).cart);
    } catch {
      // The cart badge is a convenience; the cart page shows its own errors.
    }
  }, [session]);

  const viewerId = viewer?.id ?? null;
  useEffect(() => {
    void reloadCart();
  }, [viewerId, reloadCart]);

  const shop = useMemo<Shop>(
    () => ({ graph, viewer, cart, setCart, reloadCart }),
    [graph, viewer, cart, reloadCart],
  );
  return (
    <RunContext.Provider value={run}>
      <ShopContext.Provider value={shop}>{children}</ShopContext.Provider>
    </RunContext.Provider>
  );
}
