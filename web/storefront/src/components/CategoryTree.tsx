import { useQuery } from '@minishop/web-shared/hooks';
import { href } from '@minishop/web-shared/router';

import { CategoriesDocument } from '../gql/graphql';

export function CategoryTree({ current }: { current?: string }) {
  const { data } = useQuery(CategoriesDocument, {});
  if (!data) return null;
  return (
    <nav aria-label="Categories">
      <h3>Categories</h3>
      <ul className="category-tree">
        <li>
          <a href="#/search" className={current ? '' : 'current'}>
            All products
          </a>
        </li>
        {data.categories.map((category) => (
          <li key={category.id}>
            <a href={href(['category', category.slug])} className={current === category.slug ? 'current' : ''}>
              {category.name}
            </a>
            {category.children.length > 0 ? (
              <ul>
                {category.children.map((child) => (
                  <li key={child.id}>
                    <a href={href(['category', child.slug])} className={current === child.slug ? 'current' : ''}>
                      {child.name}
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </nav>
  );
}
