import { useEffect, useState } from 'react';

import type { UserError } from '@minishop/web-shared/errors';
import { useMutation } from '@minishop/web-shared/hooks';
import { href } from '@minishop/web-shared/router';
import { ErrorBox, Errors, Loading, Price } from '@minishop/web-shared/ui';

import { RequireSignIn } from '../components/RequireSignIn';
import {
  type CartFieldsFragment,
  ClearCartDocument,
  RemoveFromCartDocument,
  UpdateCartItemDocument,
} from '../gql/graphql';
import { useShop } from '../shop';

type Line = CartFieldsFragment['items'][number];

function CartLine({ line, onErrors }: { line: Line; onErrors: (errors: readonly UserError[]) => void }) {
  const { setCart } = useShop();
  const [quantity, setQuantity] = useState(String(line.quantity));
  useEffect(() => setQuantity(String(line.quantity)), [line.quantity]);
  const [update, updating] = useMutation(UpdateCartItemDocument);
  const [remove, removing] = useMutation(RemoveFromCartDocument);
  const [errors, setErrors] = useState<string[]>([]);

  const save = async () => {
    const result = await update({ productId: line.product.id, quantity: Number(quantity) });
    if (!result) return;
    const { cart, userErrors } = result.updateCartItem;
    setErrors(userErrors.map((error) => error.message));
    onErrors([]);
    if (cart && userErrors.length === 0) setCart(cart);
  };
  const drop = async () => {
    const result = await remove({ productId: line.product.id });
    if (!result) return;
    const { cart, userErrors } = result.removeFromCart;
    onErrors(userErrors);
    if (cart && userErrors.length === 0) setCart(cart);
  };

  return (
    <tr data-testid="cart-line" data-product-slug={line.product.slug}>
      <td>
        <a href={href(['product', line.product.slug])}>{line.product.name}</a>
        <div className="muted">
          <Price money={line.product.price} /> each
        </div>
      </td>
      <td>
        <input
          className="qty"
          type="number"
          min={0}
          max={99}
          aria-label={`Quantity of ${line.product.name}`}
          value={quantity}
          onChange={(event) => setQuantity(event.target.value)}
        />{' '}
        {quantity !== String(line.quantity) ? (
          <button type="button" className="secondary" disabled={updating.busy} onClick={() => void save()}>
            Update
          </button>
        ) : null}
        <Errors messages={errors} />
        <ErrorBox error={updating.error} />
      </td>
      <td className="num">
        <Price money={line.lineTotal} />
      </td>
      <td className="num">
        <button type="button" className="link" disabled={removing.busy} onClick={() => void drop()}>
          Remove
        </button>
      </td>
    </tr>
  );
}

function CartContents() {
  const { cart, setCart, reloadCart } = useShop();
  const [clear, clearing] = useMutation(ClearCartDocument);
  const [errors, setErrors] = useState<readonly UserError[]>([]);
  useEffect(() => {
    void reloadCart();
  }, [reloadCart]);

  if (!cart) return <Loading what="Loading your cart" />;
  if (cart.items.length === 0) {
    return (
      <div className="card" data-testid="cart-empty">
        <h1>Your cart</h1>
        <p>Your cart is empty. <a href="#/">Find something you like</a>.</p>
      </div>
    );
  }
  return (
    <div className="stack">
      <h1>Your cart</h1>
      <Errors messages={errors.map((error) => error.message)} />
      <table>
        <thead>
          <tr>
            <th>Product</th>
            <th>Quantity</th>
            <th className="num">Total</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {cart.items.map((line) => (
            <CartLine key={line.id} line={line} onErrors={setErrors} />
          ))}
        </tbody>
      </table>
      <div className="card">
        <div className="summary-line summary-total">
          <span>Subtotal ({cart.totalQuantity} items)</span>
          <Price money={cart.subtotal} className="price cart-subtotal" />
        </div>
        <p className="muted">Shipping is chosen at checkout.</p>
        <div className="row">
          <a className="button" href="#/checkout">
            Checkout
          </a>
          <button
            type="button"
            className="secondary"
            disabled={clearing.busy}
            onClick={() =>
              void clear({}).then((result) => {
                if (result?.clearCart.cart) setCart(result.clearCart.cart);
              })
            }
          >
            Empty cart
          </button>
        </div>
        <ErrorBox error={clearing.error} />
      </div>
    </div>
  );
}

export function CartPage() {
  return (
    <RequireSignIn what="your cart">
      <CartContents />
    </RequireSignIn>
  );
}
