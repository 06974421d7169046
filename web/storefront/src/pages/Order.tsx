import { type FormEvent, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { useMutation, useQuery } from '@minishop/web-shared/hooks';
import { href } from '@minishop/web-shared/router';
import { ErrorBox, Errors, Field, Loading, Price, StatusBadge, dateTime } from '@minishop/web-shared/ui';

import { RequireSignIn } from '../components/RequireSignIn';
import { CancelOrderDocument, OrderDocument, type OrderDetailFragment, RequestReturnDocument } from '../gql/graphql';

const CANCELLABLE = new Set(['PAID']);

function Shipment({ order }: { order: OrderDetailFragment }) {
  const shipment = order.shipment;
  if (!shipment) return null;
  return (
    <section className="card" data-testid="shipment">
      <h2>
        Shipment <StatusBadge status={shipment.status} />
      </h2>
      <dl className="facts">
        <dt>Carrier</dt>
        <dd>{shipment.carrier ?? 'Not yet handed to a carrier'}</dd>
        <dt>Tracking number</dt>
        <dd data-testid="tracking-number">{shipment.trackingNumber ?? '—'}</dd>
      </dl>
      {shipment.events.length > 0 ? (
        <ol className="timeline">
          {shipment.events.map((event) => (
            <li key={`${event.status}-${event.occurredAt}`}>
              <StatusBadge status={event.status} /> {event.description}{' '}
              <span className="muted">{dateTime(event.occurredAt)}</span>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

function ReturnForm({ order, onDone }: { order: OrderDetailFragment; onDone: (order: OrderDetailFragment) => void }) {
  const [requestReturn, requesting] = useMutation(RequestReturnDocument);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState(new FormErrors([], ['reason']));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await requestReturn({ orderId: order.id, reason });
    if (!result) return;
    const { order: updated, userErrors } = result.requestReturn;
    setErrors(new FormErrors(userErrors, ['reason']));
    if (updated && userErrors.length === 0) onDone(updated);
  };
  return (
    <form onSubmit={(event) => void submit(event)} className="card">
      <h2>Return this order</h2>
      <Errors messages={errors.general} />
      <Field label="Why are you returning it?" name="reason" errors={errors.for('reason')}>
        {(props) => <textarea {...props} value={reason} onChange={(event) => setReason(event.target.value)} />}
      </Field>
      <button type="submit" disabled={requesting.busy}>
        Request return
      </button>
      <ErrorBox error={requesting.error} />
    </form>
  );
}

function OrderView({ id, placed }: { id: string; placed: boolean }) {
  const { data, error, loading, setData } = useQuery(OrderDocument, { id });
  const [cancel, cancelling] = useMutation(CancelOrderDocument);
  const [cancelErrors, setCancelErrors] = useState<string[]>([]);
  const order = data?.order;
  if (loading && !data) return <Loading what="Loading the order" />;
  if (error) return <ErrorBox error={error} />;
  if (!order) {
    return (
      <div className="card">
        <h1>Order not found</h1>
        <a href="#/orders">Your orders</a>
      </div>
    );
  }
  const replace = (updated: OrderDetailFragment) => setData({ order: updated });
  const doCancel = async () => {
    const result = await cancel({ id: order.id });
    if (!result) return;
    setCancelErrors(result.cancelOrder.userErrors.map((e) => e.message));
    if (result.cancelOrder.order && result.cancelOrder.userErrors.length === 0) replace(result.cancelOrder.order);
  };
  const failedPayment = order.payments.find((payment) => payment.status === 'FAILED');
  return (
    <div className="stack" data-testid="order-page">
      {placed && order.status === 'PAID' ? (
        <div className="notice notice-ok" role="status">
          Thank you! Your order {order.number} is confirmed and paid.
        </div>
      ) : null}
      <h1>
        Order <span data-testid="order-number">{order.number}</span>{' '}
        <span data-testid="order-status">
          <StatusBadge status={order.status} />
        </span>
      </h1>
      {order.status === 'PAYMENT_FAILED' && failedPayment ? (
        <div className="notice notice-error" role="alert">
          The payment failed ({failedPayment.failureCode ?? 'declined'}); nothing was charged.
        </div>
      ) : null}
      <p className="muted">Placed {dateTime(order.createdAt)}</p>
      <table>
        <thead>
          <tr>
            <th>Item</th>
            <th className="num">Price</th>
            <th className="num">Qty</th>
            <th className="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={item.sku}>
              <td>
                <a href={href(['product', item.product.slug])}>{item.name}</a> <span className="muted">{item.sku}</span>
              </td>
              <td className="num">
                <Price money={item.unitPrice} />
              </td>
              <td className="num">{item.quantity}</td>
              <td className="num">
                <Price money={item.lineTotal} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="card">
        <div className="summary-line">
          <span>Subtotal</span>
          <Price money={order.subtotal} />
        </div>
        <div className="summary-line">
          <span>Shipping ({order.shippingMethod})</span>
          <Price money={order.shippingCost} />
        </div>
        <div className="summary-line summary-total">
          <span>Total</span>
          <Price money={order.total} className="price order-total" />
        </div>
      </div>
      <section className="card">
        <h2>Shipping address</h2>
        <address>
          {order.shippingAddress.fullName}
          <br />
          {order.shippingAddress.line1}
          {order.shippingAddress.line2 ? (
            <>
              <br />
              {order.shippingAddress.line2}
            </>
          ) : null}
          <br />
          {order.shippingAddress.city} {order.shippingAddress.region ?? ''} {order.shippingAddress.postalCode}
          <br />
          {order.shippingAddress.country}
        </address>
      </section>
      <Shipment order={order} />
      <section className="card">
        <h2>History</h2>
        <ol className="timeline">
          {order.statusHistory.map((change) => (
            <li key={`${change.status}-${change.at}`}>
              <StatusBadge status={change.status} /> <span className="muted">{dateTime(change.at)}</span>{' '}
              {change.note}
            </li>
          ))}
        </ol>
      </section>
      {CANCELLABLE.has(order.status) ? (
        <div>
          <button type="button" className="danger" disabled={cancelling.busy} onClick={() => void doCancel()}>
            Cancel order
          </button>
          <Errors messages={cancelErrors} />
          <ErrorBox error={cancelling.error} />
        </div>
      ) : null}
      {order.status === 'DELIVERED' ? <ReturnForm order={order} onDone={replace} /> : null}
    </div>
  );
}

export function OrderPage({ id, placed }: { id: string; placed: boolean }) {
  return (
    <RequireSignIn what="this order">
      <OrderView id={id} placed={placed} />
    </RequireSignIn>
  );
}
