import { Price } from '@minishop/web-shared/ui';
import { href } from '@minishop/web-shared/router';

import type { ProductCardFragment } from '../gql/graphql';

export function ProductCard({ product }: { product: ProductCardFragment }) {
  return (
    <article className="card product-card" data-testid="product-card" data-product-slug={product.slug}>
      <a href={href(['product', product.slug])} className="thumb" aria-hidden="true" tabIndex={-1}>
        {product.name.slice(0, 1).toUpperCase()}
      </a>
      <h3>
        <a href={href(['product', product.slug])}>{product.name}</a>
      </h3>
      <Price money={product.price} />
      <span className={product.inStock ? 'stock-in' : 'stock-out'}>
        {product.inStock ? 'In stock' : 'Out of stock'}
      </span>
    </article>
  );
}

export function ProductGrid({ products }: { products: readonly ProductCardFragment[] }) {
  if (products.length === 0) return <p className="muted">No products match.</p>;
  return (
    <div className="grid" data-testid="product-grid">
      {products.map((product) => (
        <ProductCard key={product.id} product={product} />
      ))}
    </div>
  );
}

/** Keyset pages: forward with the cursor, back to the first page. */
export function Pager({
  hasNextPage,
  endCursor,
  onPage,
  isFirst,
  total,
}: {
  hasNextPage: boolean;
  endCursor: string | null | undefined;
  onPage: (after: string | undefined) => void;
  isFirst: boolean;
  total: number;
}) {
  return (
    <div className="pager">
      <span className="muted">{total === 1 ? '1 product' : `${total} products`}</span>
      {!isFirst ? (
        <button type="button" className="secondary" onClick={() => onPage(undefined)}>
          First page
        </button>
      ) : null}
      {hasNextPage && endCursor ? (
        <button type="button" className="secondary" onClick={() => onPage(endCursor)}>
          Next page
        </button>
      ) : null}
    </div>
  );
}
