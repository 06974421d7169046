/** The category tree flattened for a <select>: "Parent › Child". */
import { useQuery } from '@minishop/web-shared/hooks';

import { CategoriesDocument } from './gql/graphql';

export interface CategoryOption {
  id: string;
  name: string;
  slug: string;
  label: string;
  parentId: string | null;
}

export function useCategoryOptions(): { options: CategoryOption[]; reload: () => void; error: Error | null } {
  const { data, reload, error } = useQuery(CategoriesDocument, {});
  const options = (data?.categories ?? []).flatMap((root) => [
    { id: root.id, name: root.name, slug: root.slug, label: root.name, parentId: null },
    ...root.children.map((child) => ({
      id: child.id,
      name: child.name,
      slug: child.slug,
      label: `${root.name} › ${child.name}`,
      parentId: root.id,
    })),
  ]);
  return { options, reload, error };
}
