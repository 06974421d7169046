import { useQuery } from '@minishop/web-shared/hooks';
import { href, navigate } from '@minishop/web-shared/router';
import { CursorPager, ErrorBox, Field, Loading, Price, StatusBadge, dateTime } from '@minishop/web-shared/ui';

import { AdminOrdersDocument, type OrderStatus } from '../gql/graphql';

const STATUSES: readonly OrderStatus[] = [
  'PENDING_PAYMENT',
  'PAID',
  'PAYMENT_FAILED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'RETURN_REQUESTED',
  'REFUNDED',
];
const PAGE_SIZE = 25;

function parseStatus(value: string | null): OrderStatus | null {
  return STATUSES.find((status) => status === value) ?? null;
}

export function OrdersPage({ query }: { query: URLSearchParams }) {
  const status = parseStatus(query.get('status'));
  const after = query.get('after');
  const { data, error, loading } = useQuery(AdminOrdersDocument, { first: PAGE_SIZE, after, status });
  return (
    <div className="stack">
      <h1>Orders</h1>
      <div className="toolbar">
        <Field label="Status" name="status">
          {(props) => (
            <select
              {...props}
              value={status ?? ''}
              onChange={(event) => navigate(href(['orders'], { status: event.target.value || undefined }))}
            >
              <option value="">Any</option>
              {STATUSES.map((option) => (
                <option key={option} value={option}>
                  {option.replaceAll('_', ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <table>
            <thead>
              <tr>
                <th>Order</th>
                <th>Customer</th>
                <th>Placed</th>
                <th>Status</th>
                <th className="num">Total</th>
              </tr>
            </thead>
            <tbody>
              {data.orders.nodes.map((order) => (
                <tr key={order.id} data-testid="order-row" data-order-number={order.number}>
                  <td>
                    <a href={href(['orders', order.id])}>{order.number}</a>
                  </td>
                  <td>
                    <a href={href(['users', order.user.id])}>{order.user.email}</a>
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
          <CursorPager
            total={data.orders.totalCount}
            noun="orders"
            hasNextPage={data.orders.pageInfo.hasNextPage}
            endCursor={data.orders.pageInfo.endCursor}
            after={after}
            onPage={(cursor) => navigate(href(['orders'], { status: status ?? undefined, after: cursor ?? undefined }))}
          />
        </>
      ) : null}
    </div>
  );
}
