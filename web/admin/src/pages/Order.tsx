import { type FormEvent, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { useMutation, useQuery } from '@minishop/web-shared/hooks';
import { href } from '@minishop/web-shared/router';
import { ErrorBox, Errors, Field, Loading, Price, StatusBadge, dateTime } from '@minishop/web-shared/ui';

import {
  AdminOrderDocument,
  type PaymentFieldsFragment,
  RefundPaymentDocument,
  ShipOrderDocument,
  type ShipmentFieldsFragment,
  type ShipmentStatus,
  UpdateShipmentStatusDocument,
} from '../gql/graphql';

// The moves updateShipmentStatus accepts from each status (shipOrder does PENDING → SHIPPED).
const NEXT_STATUSES: Partial<Record<ShipmentStatus, ShipmentStatus[]>> = {
  SHIPPED: ['IN_TRANSIT', 'DELIVERED'],
  IN_TRANSIT: ['DELIVERED'],
  DELIVERED: ['RETURNED'],
};

function ShipForm({ orderId, onDone }: { orderId: string; onDone: () => void }) {
  const [ship, state] = useMutation(ShipOrderDocument);
  const [carrier, setCarrier] = useState('');
  const [trackingNumber, setTrackingNumber] = useState('');
  const [errors, setErrors] = useState(new FormErrors([], ['carrier', 'trackingNumber']));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await ship({ orderId, carrier: carrier.trim(), trackingNumber: trackingNumber.trim() });
    if (!result) return;
    const { userErrors } = result.shipOrder;
    setErrors(new FormErrors(userErrors, ['carrier', 'trackingNumber']));
    if (userErrors.length === 0) onDone();
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Ship order">
      <Errors messages={errors.general} />
      <ErrorBox error={state.error} />
      <div className="row">
        <Field label="Carrier" name="carrier" errors={errors.for('carrier')}>
          {(props) => <input {...props} required value={carrier} onChange={(e) => setCarrier(e.target.value)} />}
        </Field>
        <Field label="Tracking number" name="trackingNumber" errors={errors.for('trackingNumber')}>
          {(props) => <input {...props} required value={trackingNumber} onChange={(e) => setTrackingNumber(e.target.value)} />}
        </Field>
        <div className="field field-action">
          <button type="submit" disabled={state.busy}>
            Ship order
          </button>
        </div>
      </div>
    </form>
  );
}

function StatusForm({ shipment, onDone }: { shipment: ShipmentFieldsFragment; onDone: () => void }) {
  const options = NEXT_STATUSES[shipment.status] ?? [];
  const [update, state] = useMutation(UpdateShipmentStatusDocument);
  const [status, setStatus] = useState<ShipmentStatus | ''>('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState(new FormErrors([], ['status', 'description']));
  if (options.length === 0) return null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const next = status || options[0];
    if (!next) return;
    const result = await update({ shipmentId: shipment.id, status: next, description: description.trim() || null });
    if (!result) return;
    const { userErrors } = result.updateShipmentStatus;
    setErrors(new FormErrors(userErrors, ['status', 'description']));
    if (userErrors.length === 0) {
      setDescription('');
      onDone();
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Update shipment">
      <Errors messages={errors.general} />
      <ErrorBox error={state.error} />
      <div className="row">
        <Field label="New status" name="status" errors={errors.for('status')}>
          {(props) => (
            <select {...props} value={status || options[0]} onChange={(e) => setStatus(e.target.value as ShipmentStatus)}>
              {options.map((option) => (
                <option key={option} value={option}>
                  {option.replaceAll('_', ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Note (optional)" name="description" errors={errors.for('description')}>
          {(props) => <input {...props} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <div className="field field-action">
          <button type="submit" disabled={state.busy}>
            Update shipment
          </button>
        </div>
      </div>
    </form>
  );
}

function RefundForm({ payment, onDone }: { payment: PaymentFieldsFragment; onDone: () => void }) {
  const [refund, state] = useMutation(RefundPaymentDocument);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState(new FormErrors([], ['amount', 'reason']));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await refund({ paymentId: payment.id, amount: amount.trim() || null, reason: reason.trim() });
    if (!result) return;
    const { userErrors } = result.refundPayment;
    setErrors(new FormErrors(userErrors, ['amount', 'reason']));
    if (userErrors.length === 0) {
      setAmount('');
      setReason('');
      onDone();
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Refund">
      <Errors messages={errors.general} />
      <ErrorBox error={state.error} />
      <div className="row">
        <Field label="Amount" name="amount" errors={errors.for('amount')} hint="Empty refunds everything still captured.">
          {(props) => <input {...props} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />}
        </Field>
        <Field label="Reason" name="reason" errors={errors.for('reason')}>
          {(props) => <input {...props} required value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
        <div className="field field-action">
          <button type="submit" className="danger" disabled={state.busy}>
            Refund
          </button>
        </div>
      </div>
    </form>
  );
}

export function OrderPage({ id }: { id: string }) {
  const { data, error, loading, reload } = useQuery(AdminOrderDocument, { id });
  const order = data?.order;
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} />;
  if (!order) return <p>No order with this id. <a href="#/orders">Orders</a></p>;
  const shipment = order.shipment;
  return (
    <div className="stack" data-testid="admin-order">
      <p>
        <a href="#/orders">← Orders</a>
      </p>
      <h1>
        Order {order.number} <span data-testid="order-status"><StatusBadge status={order.status} /></span>
      </h1>
      <dl className="facts card">
        <dt>Customer</dt>
        <dd>
          <a href={href(['users', order.user.id])}>
            {order.user.name} &lt;{order.user.email}&gt;
          </a>
        </dd>
        <dt>Placed</dt>
        <dd>{dateTime(order.createdAt)}</dd>
        <dt>Shipping</dt>
        <dd>
          {order.shippingMethod} to {order.shippingAddress.fullName}, {order.shippingAddress.line1}, {order.shippingAddress.city}{' '}
          {order.shippingAddress.postalCode}, {order.shippingAddress.country}
        </dd>
        <dt>Total</dt>
        <dd>
          <Price money={order.subtotal} /> + <Price money={order.shippingCost} /> shipping = <Price money={order.total} />
        </dd>
      </dl>
      <table>
        <thead>
          <tr>
            <th>Item</th>
            <th>SKU</th>
            <th className="num">Unit</th>
            <th className="num">Qty</th>
            <th className="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={item.sku}>
              <td>
                <a href={href(['products', item.product.id])}>{item.name}</a>
              </td>
              <td>
                <code>{item.sku}</code>
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
      <div className="two">
        <section className="card">
          <h2>History</h2>
          <ol className="timeline">
            {order.statusHistory.map((change) => (
              <li key={`${change.status}-${change.at}`}>
                <StatusBadge status={change.status} /> <span className="muted">{dateTime(change.at)}</span> {change.note}
              </li>
            ))}
          </ol>
        </section>
        <section className="card" data-testid="shipment">
          <h2>Shipment {shipment ? <StatusBadge status={shipment.status} /> : null}</h2>
          {!shipment ? <p className="muted">No shipment: the order is not paid.</p> : null}
          {shipment ? (
            <>
              <dl className="facts">
                <dt>Carrier</dt>
                <dd>{shipment.carrier ?? '—'}</dd>
                <dt>Tracking</dt>
                <dd>{shipment.trackingNumber ?? '—'}</dd>
              </dl>
              <ol className="timeline">
                {shipment.events.map((event) => (
                  <li key={`${event.status}-${event.occurredAt}`}>
                    <StatusBadge status={event.status} /> {event.description} <span className="muted">{dateTime(event.occurredAt)}</span>
                  </li>
                ))}
              </ol>
              {shipment.status === 'PENDING' && order.status === 'PAID' ? <ShipForm orderId={order.id} onDone={reload} /> : null}
              <StatusForm key={shipment.status} shipment={shipment} onDone={reload} />
            </>
          ) : null}
        </section>
      </div>
      <section className="card">
        <h2>Payments</h2>
        {order.payments.length === 0 ? <p className="muted">No payment.</p> : null}
        {order.payments.map((payment) => (
          <div key={payment.id} className="stack">
            <p>
              <StatusBadge status={payment.status} /> <Price money={payment.amount} /> {payment.cardBrand ?? ''}{' '}
              {payment.cardLast4 ? `•••• ${payment.cardLast4}` : ''} {payment.failureCode ? `(${payment.failureCode})` : ''}
              <span className="muted"> {dateTime(payment.createdAt)}</span>
            </p>
            {payment.refunds.length > 0 ? (
              <ul>
                {payment.refunds.map((refund) => (
                  <li key={refund.id}>
                    Refunded <Price money={refund.amount} />: {refund.reason} <span className="muted">{dateTime(refund.createdAt)}</span>
                  </li>
                ))}
              </ul>
            ) : null}
            {payment.status === 'SUCCEEDED' || payment.status === 'PARTIALLY_REFUNDED' ? (
              <RefundForm payment={payment} onDone={reload} />
            ) : null}
          </div>
        ))}
      </section>
    </div>
  );
}
