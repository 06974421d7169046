import { type FormEvent, useEffect, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { formatMoney } from '@minishop/web-shared/money';
import { useMutation, useQuery } from '@minishop/web-shared/hooks';
import { href, navigate } from '@minishop/web-shared/router';
import { ErrorBox, Errors, Field, Loading, Price } from '@minishop/web-shared/ui';

import { AddressFields, type AddressDraft, EMPTY_ADDRESS, addressFieldNames, addressInput } from '../components/AddressFields';
import { RequireSignIn } from '../components/RequireSignIn';
import { CheckoutDocument, type CheckoutInput, MeDocument, ShippingMethodsDocument } from '../gql/graphql';
import { useShop } from '../shop';

/** The mock processor's test cards (see the payments contract). */
export const TEST_CARDS: ReadonlyArray<{ token: string; label: string }> = [
  { token: 'tok_visa', label: 'Visa (succeeds)' },
  { token: 'tok_mastercard', label: 'Mastercard (succeeds)' },
  { token: 'tok_chargeDeclined', label: 'Declined card' },
  { token: 'tok_insufficientFunds', label: 'Insufficient funds' },
  { token: 'tok_processingError', label: 'Processing error, then success' },
];

const NEW_ADDRESS = 'new';
const FIELDS = ['addressId', 'shippingMethod', 'paymentToken', 'shippingAddress', ...addressFieldNames('shippingAddress')];

function CheckoutForm() {
  const { cart, reloadCart } = useShop();
  const me = useQuery(MeDocument, {});
  const methods = useQuery(ShippingMethodsDocument, {});
  const [checkout, placing] = useMutation(CheckoutDocument);
  const addresses = me.data?.me?.addresses ?? [];
  const [addressChoice, setAddressChoice] = useState<string | null>(null);
  const [draft, setDraft] = useState<AddressDraft>(EMPTY_ADDRESS);
  const [method, setMethod] = useState<string | null>(null);
  const [token, setToken] = useState('tok_visa');
  const [errors, setErrors] = useState(new FormErrors([], FIELDS));
  // One key per attempt: a retry after a lost answer reuses it (never a second
  // charge); after a definite answer the next attempt gets a new one.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  useEffect(() => {
    void reloadCart();
  }, [reloadCart]);
  const chosenAddress = addressChoice ?? (addresses.find((a) => a.isDefault) ?? addresses[0])?.id ?? NEW_ADDRESS;
  const chosenMethod = method ?? methods.data?.shippingMethods[0]?.code ?? '';
  const shipping = methods.data?.shippingMethods.find((m) => m.code === chosenMethod);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input: CheckoutInput = { shippingMethod: chosenMethod, paymentToken: token, idempotencyKey };
    if (chosenAddress === NEW_ADDRESS) input.shippingAddress = addressInput(draft);
    else input.addressId = chosenAddress;
    const result = await checkout({ input });
    if (!result) return; // network or gateway error: shown below, same key on retry
    const { order, userErrors } = result.checkout;
    setIdempotencyKey(crypto.randomUUID());
    setErrors(new FormErrors(userErrors, FIELDS));
    if (order && userErrors.length === 0) {
      await reloadCart();
      navigate(href(['orders', order.id], { placed: '1' }));
      return;
    }
    await reloadCart();
  };

  if (me.loading || methods.loading || !cart) return <Loading what="Preparing checkout" />;
  if (cart.items.length === 0) {
    return (
      <div className="card">
        <h1>Checkout</h1>
        <p>
          Your cart is empty. <a href="#/">Continue shopping</a>.
        </p>
      </div>
    );
  }
  return (
    <form className="columns checkout" onSubmit={(event) => void submit(event)} aria-label="Checkout">
      <div>
        <h1>Checkout</h1>
        <Errors messages={errors.general} />
        <ErrorBox error={placing.error ?? me.error ?? methods.error} />
        <fieldset>
          <legend>Ship to</legend>
          {addresses.map((address) => (
            <label key={address.id} className="choice">
              <input
                type="radio"
                name="address"
                checked={chosenAddress === address.id}
                onChange={() => setAddressChoice(address.id)}
              />
              {address.fullName}, {address.line1}, {address.city} {address.postalCode}, {address.country}
            </label>
          ))}
          <label className="choice">
            <input
              type="radio"
              name="address"
              checked={chosenAddress === NEW_ADDRESS}
              onChange={() => setAddressChoice(NEW_ADDRESS)}
            />
            A new address
          </label>
          <Errors messages={errors.for('addressId')} />
          {chosenAddress === NEW_ADDRESS ? (
            <AddressFields value={draft} onChange={setDraft} errors={errors} prefix="shippingAddress" />
          ) : null}
        </fieldset>
        <fieldset>
          <legend>Shipping method</legend>
          {methods.data?.shippingMethods.map((option) => (
            <label key={option.code} className="choice">
              <input
                type="radio"
                name="shippingMethod"
                value={option.code}
                checked={chosenMethod === option.code}
                onChange={() => setMethod(option.code)}
              />
              {option.name} — {formatMoney(option.price)} ({option.estimatedDays} days)
            </label>
          ))}
          <Errors messages={errors.for('shippingMethod')} />
        </fieldset>
        <fieldset>
          <legend>Payment</legend>
          <Field label="Test card" name="paymentToken" errors={errors.for('paymentToken')} hint="This shop uses a test processor: no real card is charged.">
            {(props) => (
              <select {...props} value={token} onChange={(event) => setToken(event.target.value)}>
                {TEST_CARDS.map((card) => (
                  <option key={card.token} value={card.token}>
                    {card.label} — {card.token}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </fieldset>
      </div>
      <aside className="card">
        <h2>Order summary</h2>
        {cart.items.map((line) => (
          <div className="summary-line" key={line.id}>
            <span>
              {line.quantity} × {line.product.name}
            </span>
            <Price money={line.lineTotal} />
          </div>
        ))}
        <div className="summary-line">
          <span>Subtotal</span>
          <Price money={cart.subtotal} />
        </div>
        {shipping ? (
          <div className="summary-line">
            <span>Shipping ({shipping.name})</span>
            <Price money={shipping.price} />
          </div>
        ) : null}
        <p className="muted">The total is confirmed when you place the order.</p>
        <button type="submit" disabled={placing.busy}>
          {placing.busy ? 'Placing order…' : 'Place order'}
        </button>
      </aside>
    </form>
  );
}

export function CheckoutPage() {
  return (
    <RequireSignIn what="checkout">
      <CheckoutForm />
    </RequireSignIn>
  );
}
