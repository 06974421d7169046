import { useState } from 'react';

import { useQuery } from '@minishop/web-shared/hooks';
import { href } from '@minishop/web-shared/router';
import { ErrorBox, Loading, Price, StatusBadge, dateTime } from '@minishop/web-shared/ui';

import { RequireSignIn } from '../components/RequireSignIn';
import { MyOrdersDocument } from '../gql/graphql';

const PAGE_SIZE = 20;

function OrderList() {
  const [after, setAfter] = useState<string | null>(null);
  const { data, error, loading } = useQuery(MyOrdersDocument, { first: PAGE_SIZE, after });
  const orders = data?.me?.orders;
  return (
    <div className="stack">
      <h1>Your orders</h1>
      <ErrorBox error={error} />
      {loading && !data ? <Loading what="Loading your orders" /> : null}
      {orders && orders.nodes.length === 0 ? (
        <p>
          No orders yet. <a href="#/">Start shopping</a>.
        </p>
      ) : null}
      {orders && orders.nodes.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>Order</th>
              <th>Placed</th>
              <th>Status</th>
              <th className="num">Total</th>
            </tr>
          </thead>
          <tbody>
            {orders.nodes.map((order) => (
              <tr key={order.id} data-testid="order-row">
                <td>
                  <a href={href(['orders', order.id])}>{order.number}</a>
                </td>
                <td>{dateTime(order.createdAt)}</td>
                <td>
                  <StatusBadge status={order.status} />
                </td>
                <td className="num">
                  <Price money={order.total} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {orders ? (
        <div className="pager">
          <span className="muted">{orders.totalCount} orders</span>
          {after ? (
            <button type="button" className="secondary" onClick={() => setAfter(null)}>
              Newest
            </button>
          ) : null}
          {orders.pageInfo.hasNextPage ? (
            <button type="button" className="secondary" onClick={() => setAfter(orders.pageInfo.endCursor ?? null)}>
              Older
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

export function OrdersPage() {
  return (
    <RequireSignIn what="your orders">
      <OrderList />
    </RequireSignIn>
  );
}
