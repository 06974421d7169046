import { type FormEvent, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { useMutation } from '@minishop/web-shared/hooks';
import { ErrorBox, Errors, Field } from '@minishop/web-shared/ui';

import { type CategoryOption, useCategoryOptions } from '../categories';
import { CreateCategoryDocument, UpdateCategoryDocument } from '../gql/graphql';

const FIELDS = ['name', 'slug', 'parentId'];

interface Draft {
  name: string;
  slug: string;
  parentId: string;
}

function CategoryForm({
  category,
  parents,
  onSaved,
  onCancel,
}: {
  category?: CategoryOption;
  parents: CategoryOption[];
  onSaved: () => void;
  onCancel?: () => void;
}) {
  const [create, creating] = useMutation(CreateCategoryDocument);
  const [update, updating] = useMutation(UpdateCategoryDocument);
  const [draft, setDraft] = useState<Draft>({
    name: category?.name ?? '',
    slug: category?.slug ?? '',
    parentId: category?.parentId ?? '',
  });
  const [errors, setErrors] = useState(new FormErrors([], FIELDS));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const payload = category
      ? (
          await update({
            id: category.id,
            input: { name: draft.name.trim(), slug: draft.slug.trim() || null, parentId: draft.parentId || null },
          })
        )?.updateCategory
      : (await create({ input: { name: draft.name.trim(), slug: draft.slug.trim() || null, parentId: draft.parentId || null } }))
          ?.createCategory;
    if (!payload) return;
    setErrors(new FormErrors(payload.userErrors, FIELDS));
    if (payload.userErrors.length === 0) {
      if (!category) setDraft({ name: '', slug: '', parentId: '' });
      onSaved();
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label={category ? `Edit ${category.name}` : 'New category'}>
      <Errors messages={errors.general} />
      <ErrorBox error={creating.error ?? updating.error} />
      <div className="row">
        <Field label="Name" name="name" errors={errors.for('name')}>
          {(props) => <input {...props} required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />}
        </Field>
        <Field label="Slug (optional)" name="slug" errors={errors.for('slug')}>
          {(props) => <input {...props} value={draft.slug} onChange={(e) => setDraft({ ...draft, slug: e.target.value })} />}
        </Field>
        <Field label="Parent" name="parentId" errors={errors.for('parentId')}>
          {(props) => (
            <select {...props} value={draft.parentId} onChange={(e) => setDraft({ ...draft, parentId: e.target.value })}>
              <option value="">None (a root category)</option>
              {parents
                .filter((parent) => parent.id !== category?.id)
                .map((parent) => (
                  <option key={parent.id} value={parent.id}>
                    {parent.label}
                  </option>
                ))}
            </select>
          )}
        </Field>
        <div className="field field-action">
          <button type="submit" disabled={creating.busy || updating.busy}>
            {category ? 'Save' : 'Create category'}
          </button>
        </div>
        {onCancel ? (
          <div className="field field-action">
            <button type="button" className="secondary" onClick={onCancel}>
              Cancel
            </button>
          </div>
        ) : null}
      </div>
    </form>
  );
}

export function CategoriesPage() {
  const { options, reload, error } = useCategoryOptions();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <div className="stack">
      <h1>Categories</h1>
      <ErrorBox error={error} />
      <table>
        <thead>
          <tr>
            <th>Category</th>
            <th>Slug</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {options.map((category) =>
            editing === category.id ? (
              <tr key={category.id}>
                <td colSpan={3}>
                  <CategoryForm
                    category={category}
                    parents={options}
                    onSaved={() => {
                      setEditing(null);
                      reload();
                    }}
                    onCancel={() => setEditing(null)}
                  />
                </td>
              </tr>
            ) : (
              <tr key={category.id}>
                <td>{category.label}</td>
                <td>
                  <code>{category.slug}</code>
                </td>
                <td className="num">
                  <button type="button" className="link" onClick={() => setEditing(category.id)}>
                    Edit
                  </button>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      <section className="card">
        <h2>New category</h2>
        <CategoryForm parents={options} onSaved={reload} />
      </section>
    </div>
  );
}
