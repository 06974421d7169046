import { type FormEvent, useEffect, useState } from 'react';

import { useQuery } from '@minishop/web-shared/hooks';
import { href, navigate } from '@minishop/web-shared/router';
import { ErrorBox, Field, Loading } from '@minishop/web-shared/ui';

import { CategoryTree } from '../components/CategoryTree';
import { Pager, ProductGrid } from '../components/ProductCard';
import { CategoriesDocument, type ProductFilter, type ProductSort, ProductsDocument } from '../gql/graphql';

const SORTS: ReadonlyArray<{ value: ProductSort; label: string }> = [
  { value: 'RELEVANCE', label: 'Best match' },
  { value: 'NEWEST', label: 'Newest' },
  { value: 'PRICE_ASC', label: 'Price: low to high' },
  { value: 'PRICE_DESC', label: 'Price: high to low' },
  { value: 'NAME_ASC', label: 'Name' },
];
const PAGE_SIZE = 12;
const DECIMAL = /^\d{1,9}(\.\d{1,2})?$/;

export function parseSort(value: string | null, fallback: ProductSort): ProductSort {
  return SORTS.find((sort) => sort.value === value)?.value ?? fallback;
}

interface Filters {
  q: string;
  category: string;
  min: string;
  max: string;
  inStock: boolean;
  sort: ProductSort;
}

function readFilters(query: URLSearchParams): Filters {
  const q = query.get('q') ?? '';
  return {
    q,
    category: query.get('category') ?? '',
    min: query.get('min') ?? '',
    max: query.get('max') ?? '',
    inStock: query.get('inStock') === '1',
    sort: parseSort(query.get('sort'), q ? 'RELEVANCE' : 'NEWEST'),
  };
}

function toFilter(filters: Filters): ProductFilter {
  const filter: ProductFilter = {};
  if (filters.q) filter.search = filters.q;
  if (filters.category) filter.categoryId = filters.category;
  if (DECIMAL.test(filters.min)) filter.minPrice = filters.min;
  if (DECIMAL.test(filters.max)) filter.maxPrice = filters.max;
  if (filters.inStock) filter.inStock = true;
  return filter;
}

function toQuery(filters: Filters, after?: string): Record<string, string | undefined> {
  return {
    q: filters.q || undefined,
    category: filters.category || undefined,
    min: filters.min || undefined,
    max: filters.max || undefined,
    inStock: filters.inStock ? '1' : undefined,
    sort: filters.sort,
    after,
  };
}

function FilterForm({ filters }: { filters: Filters }) {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);
  const categories = useQuery(CategoriesDocument, {});
  const priceError = (value: string) => (value && !DECIMAL.test(value) ? ['Enter an amount such as 12.50.'] : []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (priceError(draft.min).length || priceError(draft.max).length) return;
    navigate(href(['search'], toQuery(draft)));
  };
  const options = (categories.data?.categories ?? []).flatMap((root) => [
    { id: root.id, name: root.name },
    ...root.children.map((child) => ({ id: child.id, name: `${root.name} › ${child.name}` })),
  ]);
  return (
    <form className="card filters" onSubmit={submit} aria-label="Filters">
      <Field label="Search" name="q">
        {(props) => <input {...props} value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />}
      </Field>
      <Field label="Category" name="category">
        {(props) => (
          <select {...props} value={draft.category} onChange={(e) => setDraft({ ...draft, category: e.target.value })}>
            <option value="">Any</option>
            {options.map((option) => (
              <option key={option.id} value={option.id}>
                {option.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Min price" name="min" errors={priceError(draft.min)}>
        {(props) => (
          <input {...props} inputMode="decimal" value={draft.min} onChange={(e) => setDraft({ ...draft, min: e.target.value })} />
        )}
      </Field>
      <Field label="Max price" name="max" errors={priceError(draft.max)}>
        {(props) => (
          <input {...props} inputMode="decimal" value={draft.max} onChange={(e) => setDraft({ ...draft, max: e.target.value })} />
        )}
      </Field>
      <label className="choice">
        <input type="checkbox" checked={draft.inStock} onChange={(e) => setDraft({ ...draft, inStock: e.target.checked })} />
        In stock only
      </label>
      <Field label="Sort by" name="sort">
        {(props) => (
          <select {...props} value={draft.sort} onChange={(e) => setDraft({ ...draft, sort: parseSort(e.target.value, 'NEWEST') })}>
            {SORTS.map((sort) => (
              <option key={sort.value} value={sort.value}>
                {sort.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit">Apply</button>
    </form>
  );
}

export function SearchPage({ query }: { query: URLSearchParams }) {
  const key = query.toString();
  const [filters, setFilters] = useState(() => readFilters(query));
  useEffect(() => setFilters(readFilters(new URLSearchParams(key))), [key]);
  const after = query.get('after') ?? undefined;
  const { data, error, loading } = useQuery(ProductsDocument, {
    first: PAGE_SIZE,
    after: after ?? null,
    filter: toFilter(filters),
    sort: filters.sort,
  });
  return (
    <div className="columns">
      <aside className="stack">
        <CategoryTree />
        <FilterForm filters={filters} />
      </aside>
      <section aria-label="Products">
        <h1>{filters.q ? `Results for “${filters.q}”` : 'All products'}</h1>
        <ErrorBox error={error} />
        {loading && !data ? <Loading what="Loading products" /> : null}
        {data ? (
          <>
            <ProductGrid products={data.products.nodes} />
            <Pager
              total={data.products.totalCount}
              hasNextPage={data.products.pageInfo.hasNextPage}
              endCursor={data.products.pageInfo.endCursor}
              isFirst={!after}
              onPage={(cursor) => navigate(href(['search'], toQuery(filters, cursor)))}
            />
          </>
        ) : null}
      </section>
    </div>
  );
}
