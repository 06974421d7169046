import { type FormEvent, useEffect, useState } from 'react';

import { href, navigate, useLocation } from '@minishop/web-shared/router';

import type { Graph } from './graph';
import { AccountPage } from './pages/Account';
import { CartPage } from './pages/Cart';
import { CategoryPage } from './pages/Category';
import { CheckoutPage } from './pages/Checkout';
import { OrderPage } from './pages/Order';
import { OrdersPage } from './pages/Orders';
import { ProductPage } from './pages/Product';
import { SearchPage } from './pages/Search';
import { SignInPage, SignUpPage } from './pages/SignIn';
import { ShopProvider, useShop } from './shop';

export function App({ graph }: { graph: Graph }) {
  return (
    <ShopProvider graph={graph}>
      <Layout />
    </ShopProvider>
  );
}

function SearchBox() {
  const location = useLocation();
  const current = location.segments[0] === 'search' ? (location.query.get('q') ?? '') : '';
  const [text, setText] = useState(current);
  useEffect(() => setText(current), [current]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const query = Object.fromEntries(location.segments[0] === 'search' ? location.query : []);
    navigate(href(['search'], { ...query, q: text.trim() || undefined, after: undefined }));
  };
  return (
    <form role="search" className="searchbox" onSubmit={submit}>
      <input
        type="search"
        aria-label="Search products"
        placeholder="Search products"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit">Search</button>
    </form>
  );
}

function Header() {
  const { viewer, cart, graph } = useShop();
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <a className="brand" href="#/">
          MiniShop
        </a>
        <SearchBox />
        <span className="spacer" />
        <nav aria-label="Account">
          {viewer ? (
            <>
              <a href="#/orders">Orders</a>
              <a href="#/account">{viewer.name}</a>
              <button
                type="button"
                className="link"
                onClick={() => void graph.session.signOut().then(() => navigate('#/'))}
              >
                Sign out
              </button>
            </>
          ) : (
            <>
              <a href="#/signin">Sign in</a>
              <a href="#/signup">Create account</a>
            </>
          )}
          <a href="#/cart" className="cart-link" data-testid="cart-link">
            Cart <span className="cart-count">{cart?.totalQuantity ?? 0}</span>
          </a>
        </nav>
      </div>
    </header>
  );
}

function Routes() {
  const { segments, query } = useLocation();
  const [first, second] = segments;
  switch (first) {
    case undefined:
    case 'search':
      return <SearchPage query={query} />;
    case 'category':
      return second ? <CategoryPage slug={second} query={query} /> : <SearchPage query={query} />;
    case 'product':
      return second ? <ProductPage slug={second} /> : <NotFound />;
    case 'cart':
      return <CartPage />;
    case 'checkout':
      return <CheckoutPage />;
    case 'orders':
      return second ? <OrderPage id={second} placed={query.get('placed') === '1'} /> : <OrdersPage />;
    case 'account':
      return <AccountPage />;
    case 'signin':
      return <SignInPage next={query.get('next')} />;
    case 'signup':
      return <SignUpPage next={query.get('next')} />;
    default:
      return <NotFound />;
  }
}

function NotFound() {
  return (
    <div className="card">
      <h1>Not found</h1>
      <p>
        There is nothing here. <a href="#/">Back to the shop</a>.
      </p>
    </div>
  );
}

function Layout() {
  return (
    <>
      <Header />
      <main>
        <Routes />
      </main>
    </>
  );
}
