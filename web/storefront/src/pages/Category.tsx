import { useQuery } from '@minishop/web-shared/hooks';
import { href, navigate } from '@minishop/web-shared/router';
import { ErrorBox, Loading } from '@minishop/web-shared/ui';

import { CategoryTree } from '../components/CategoryTree';
import { Pager, ProductGrid } from '../components/ProductCard';
import { CategoryDocument } from '../gql/graphql';
import { parseSort } from './Search';

const PAGE_SIZE = 12;

export function CategoryPage({ slug, query }: { slug: string; query: URLSearchParams }) {
  const after = query.get('after') ?? undefined;
  const sort = parseSort(query.get('sort'), 'NEWEST');
  const { data, error, loading } = useQuery(CategoryDocument, { slug, first: PAGE_SIZE, after: after ?? null, sort });
  const category = data?.category;
  return (
    <div className="columns">
      <aside>
        <CategoryTree current={slug} />
      </aside>
      <section aria-label="Products">
        <ErrorBox error={error} />
        {loading && !data ? <Loading /> : null}
        {data && !category ? <p>This category does not exist.</p> : null}
        {category ? (
          <>
            {category.parent ? (
              <p className="muted">
                <a href={href(['category', category.parent.slug])}>{category.parent.name}</a> ›
              </p>
            ) : null}
            <h1>{category.name}</h1>
            {category.children.length > 0 ? (
              <p className="chips">
                {category.children.map((child) => (
                  <a key={child.id} className="button secondary" href={href(['category', child.slug])}>
                    {child.name}
                  </a>
                ))}
              </p>
            ) : null}
            <ProductGrid products={category.products.nodes} />
            <Pager
              total={category.products.totalCount}
              hasNextPage={category.products.pageInfo.hasNextPage}
              endCursor={category.products.pageInfo.endCursor}
              isFirst={!after}
              onPage={(cursor) => navigate(href(['category', slug], { sort, after: cursor }))}
            />
          </>
        ) : null}
      </section>
    </div>
  );
}
