import { type FormEvent, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { useMutation, useQuery } from '@minishop/web-shared/hooks';
import { href, navigate } from '@minishop/web-shared/router';
import { CursorPager, ErrorBox, Errors, Field, Loading, Price } from '@minishop/web-shared/ui';

import { useCategoryOptions } from '../categories';
import { AdminProductsDocument, CreateProductDocument, type ProductSort } from '../gql/graphql';

const PAGE_SIZE = 25;
const CREATE_FIELDS = ['sku', 'name', 'price', 'description', 'categoryId', 'slug', 'initialStock'];

function CreateProduct({ onCreated }: { onCreated: (id: string) => void }) {
  const { options } = useCategoryOptions();
  const [create, state] = useMutation(CreateProductDocument);
  const [draft, setDraft] = useState({ sku: '', name: '', price: '', description: '', categoryId: '', slug: '', initialStock: '0' });
  const [errors, setErrors] = useState(new FormErrors([], CREATE_FIELDS));
  const set = (key: keyof typeof draft) => (event: { target: { value: string } }) => setDraft({ ...draft, [key]: event.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({
      input: {
        sku: draft.sku.trim(),
        name: draft.name.trim(),
        price: draft.price.trim(),
        description: draft.description,
        categoryId: draft.categoryId || null,
        slug: draft.slug.trim() || null,
        initialStock: Number(draft.initialStock || '0'),
      },
    });
    if (!result) return;
    const { product, userErrors } = result.createProduct;
    setErrors(new FormErrors(userErrors, CREATE_FIELDS));
    if (product && userErrors.length === 0) onCreated(product.id);
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="New product">
      <h2>New product</h2>
      <Errors messages={errors.general} />
      <ErrorBox error={state.error} />
      <div className="row">
        <Field label="SKU" name="sku" errors={errors.for('sku')}>
          {(props) => <input {...props} required value={draft.sku} onChange={set('sku')} />}
        </Field>
        <Field label="Name" name="name" errors={errors.for('name')}>
          {(props) => <input {...props} required value={draft.name} onChange={set('name')} />}
        </Field>
        <Field label="Price" name="price" errors={errors.for('price')} hint="In the store currency, e.g. 19.99">
          {(props) => <input {...props} required inputMode="decimal" value={draft.price} onChange={set('price')} />}
        </Field>
        <Field label="Initial stock" name="initialStock" errors={errors.for('initialStock')}>
          {(props) => <input {...props} type="number" min={0} value={draft.initialStock} onChange={set('initialStock')} />}
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
        <Field label="Slug (optional)" name="slug" errors={errors.for('slug')}>
          {(props) => <input {...props} value={draft.slug} onChange={set('slug')} />}
        </Field>
      </div>
      <Field label="Description" name="description" errors={errors.for('description')}>
        {(props) => <textarea {...props} value={draft.description} onChange={set('description')} />}
      </Field>
      <button type="submit" disabled={state.busy}>
        Create product
      </button>
    </form>
  );
}

export function ProductsPage({ query }: { query: URLSearchParams }) {
  const search = query.get('q') ?? '';
  const after = query.get('after');
  const sort: ProductSort = search ? 'RELEVANCE' : 'NEWEST';
  const [text, setText] = useState(search);
  const { data, error, loading } = useQuery(AdminProductsDocument, {
    first: PAGE_SIZE,
    after,
    filter: search ? { search } : null,
    sort,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(href(['products'], { q: text.trim() || undefined }));
  };
  return (
    <div className="stack">
      <h1>Products</h1>
      <form className="toolbar" role="search" onSubmit={submit}>
        <Field label="Search" name="q">
          {(props) => <input {...props} type="search" value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>SKU</th>
                <th>Category</th>
                <th className="num">Price</th>
                <th className="num">Stock</th>
              </tr>
            </thead>
            <tbody>
              {data.products.nodes.map((product) => (
                <tr key={product.id} data-testid="product-row">
                  <td>
                    <a href={href(['products', product.id])}>{product.name}</a>
                  </td>
                  <td>
                    <code>{product.sku}</code>
                  </td>
                  <td>{product.category?.name ?? '—'}</td>
                  <td className="num">
                    <Price money={product.price} />
                  </td>
                  <td className="num">{product.stock}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <CursorPager
            total={data.products.totalCount}
            noun="products"
            hasNextPage={data.products.pageInfo.hasNextPage}
            endCursor={data.products.pageInfo.endCursor}
            after={after}
            onPage={(cursor) => navigate(href(['products'], { q: search || undefined, after: cursor ?? undefined }))}
          />
        </>
      ) : null}
      <CreateProduct onCreated={(id) => navigate(href(['products', id]))} />
    </div>
  );
}
