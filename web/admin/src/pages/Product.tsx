import { type FormEvent, useEffect, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { useMutation, useQuery } from '@minishop/web-shared/hooks';
import { CursorPager, ErrorBox, Errors, Field, Loading, Price, StatusBadge, dateTime } from '@minishop/web-shared/ui';

import { useCategoryOptions } from '../categories';
import {
  AdjustStockDocument,
  type AdminProductFieldsFragment,
  AdminProductDocument,
  ArchiveProductDocument,
  UpdateProductDocument,
} from '../gql/graphql';

const EDIT_FIELDS = ['name', 'description', 'price', 'categoryId', 'slug'];

function EditProduct({ product, onSaved }: { product: AdminProductFieldsFragment; onSaved: () => void }) {
  const { options } = useCategoryOptions();
  const [update, state] = useMutation(UpdateProductDocument);
  const initial = {
    name: product.name,
    description: product.description,
    price: product.price.amount,
    categoryId: product.category?.id ?? '',
    slug: product.slug,
  };
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState(new FormErrors([], EDIT_FIELDS));
  const [saved, setSaved] = useState(false);
  const set = (key: keyof typeof draft) => (event: { target: { value: string } }) => setDraft({ ...draft, [key]: event.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    // Only what changed is sent, so an untouched field is never rewritten.
    const input: Record<string, string | null> = {};
    for (const key of EDIT_FIELDS as (keyof typeof draft)[]) {
      if (draft[key] !== initial[key]) input[key] = draft[key] === '' && key === 'categoryId' ? null : draft[key];
    }
    const result = await update({ id: product.id, input });
    if (!result) return;
    const { userErrors } = result.updateProduct;
    setErrors(new FormErrors(userErrors, EDIT_FIELDS));
    if (userErrors.length === 0) {
      setSaved(true);
      onSaved();
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Edit product">
      <h2>Details</h2>
      <Errors messages={errors.general} />
      <ErrorBox error={state.error} />
      <Field label="Name" name="name" errors={errors.for('name')}>
        {(props) => <input {...props} value={draft.name} onChange={set('name')} />}
      </Field>
      <Field label="Price" name="price" errors={errors.for('price')}>
        {(props) => <input {...props} inputMode="decimal" value={draft.price} onChange={set('price')} />}
      </Field>
      <Field label="Category" name="categoryId" errors={errors.for('categoryId')}>
        {(props) => (
          <select {...props} value={draft.categoryId} onChange={set('categoryId')}>
            <option value="">None</option>
            {options.map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Slug" name="slug" errors={errors.for('slug')}>
        {(props) => <input {...props} value={draft.slug} onChange={set('slug')} />}
      </Field>
      <Field label="Description" name="description" errors={errors.for('description')}>
        {(props) => <textarea {...props} value={draft.description} onChange={set('description')} />}
      </Field>
      <button type="submit" disabled={state.busy}>
        Save
      </button>
      {saved ? <span className="muted"> Saved.</span> : null}
    </form>
  );
}

function AdjustStock({ productId, onDone }: { productId: string; onDone: () => void }) {
  const [adjust, state] = useMutation(AdjustStockDocument);
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState(new FormErrors([], ['delta', 'reason']));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await adjust({ productId, delta: Number(delta), reason });
    if (!result) return;
    const { userErrors } = result.adjustStock;
    setErrors(new FormErrors(userErrors, ['delta', 'reason']));
    if (userErrors.length === 0) {
      setDelta('');
      setReason('');
      onDone();
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Adjust stock">
      <h2>Adjust stock</h2>
      <Errors messages={errors.general} />
      <ErrorBox error={state.error} />
      <div className="row">
        <Field label="Change (units, negative removes)" name="delta" errors={errors.for('delta')}>
          {(props) => <input {...props} type="number" required value={delta} onChange={(e) => setDelta(e.target.value)} />}
        </Field>
        <Field label="Reason" name="reason" errors={errors.for('reason')}>
          {(props) => <input {...props} required value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
      </div>
      <button type="submit" disabled={state.busy}>
        Adjust
      </button>
    </form>
  );
}

export function ProductPage({ id }: { id: string }) {
  const [movementsAfter, setMovementsAfter] = useState<string | null>(null);
  const { data, error, loading, reload } = useQuery(AdminProductDocument, { id, movementsFirst: 20, movementsAfter });
  const [archive, archiving] = useMutation(ArchiveProductDocument);
  const [archiveErrors, setArchiveErrors] = useState<string[]>([]);
  useEffect(() => setMovementsAfter(null), [id]);
  const product = data?.product;
  if (loading && !data) return <Loading />;
  if (error) return <ErrorBox error={error} />;
  if (!product) return <p>No product with this id. <a href="#/products">Products</a></p>;
  const doArchive = async () => {
    const result = await archive({ id: product.id });
    if (!result) return;
    setArchiveErrors(result.archiveProduct.userErrors.map((e) => e.message));
    reload();
  };
  const movements = product.stockMovements;
  return (
    <div className="stack">
      <p>
        <a href="#/products">← Products</a>
      </p>
      <h1>
        {product.name} {product.active ? null : <StatusBadge status="ARCHIVED" />}
      </h1>
      <dl className="facts card">
        <dt>SKU</dt>
        <dd>
          <code>{product.sku}</code>
        </dd>
        <dt>Price</dt>
        <dd>
          <Price money={product.price} />
        </dd>
        <dt>Available</dt>
        <dd data-testid="stock">{product.stock}</dd>
        <dt>Created</dt>
        <dd>{dateTime(product.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{dateTime(product.updatedAt)}</dd>
      </dl>
      <div className="two">
        <EditProduct key={product.updatedAt} product={product} onSaved={reload} />
        <div className="stack">
          <AdjustStock productId={product.id} onDone={reload} />
          {product.active ? (
            <div className="card">
              <h2>Archive</h2>
              <p className="muted">Takes the product off sale; it stays resolvable by id for past orders.</p>
              <button type="button" className="danger" disabled={archiving.busy} onClick={() => void doArchive()}>
                Archive product
              </button>
              <Errors messages={archiveErrors} />
              <ErrorBox error={archiving.error} />
            </div>
          ) : null}
        </div>
      </div>
      <section>
        <h2>Stock movements</h2>
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Kind</th>
              <th className="num">On hand Δ</th>
              <th className="num">Reserved Δ</th>
              <th className="num">On hand</th>
              <th className="num">Reserved</th>
              <th>Reason</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {movements.nodes.map((movement, index) => (
              <tr key={`${movement.createdAt}-${index}`}>
                <td>{dateTime(movement.createdAt)}</td>
                <td>{movement.kind}</td>
                <td className="num">{movement.deltaOnHand}</td>
                <td className="num">{movement.deltaReserved}</td>
                <td className="num">{movement.onHandAfter}</td>
                <td className="num">{movement.reservedAfter}</td>
                <td>
                  {movement.reason}
                  {movement.orderId ? (
                    <>
                      {' '}
                      (<a href={`#/orders/${movement.orderId}`}>order</a>)
                    </>
                  ) : null}
                </td>
                <td>{movement.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <CursorPager
          total={movements.totalCount}
          noun="movements"
          hasNextPage={movements.pageInfo.hasNextPage}
          endCursor={movements.pageInfo.endCursor}
          after={movementsAfter}
          onPage={setMovementsAfter}
        />
      </section>
    </div>
  );
}
