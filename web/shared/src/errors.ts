/** userErrors, placed beside the form field their `field` path names. */
export interface UserError {
  field?: readonly string[] | null;
  message: string;
  code: string;
}

/**
 * Does `error` name the form field `name`? Paths are relative to the
 * mutation's arguments (["email"], ["input", "email"], ["paymentToken"]):
 * a field matches the whole path or its last segments.
 */
export function namesField(error: UserError, name: string): boolean {
  if (!error.field?.length) return false;
  const path = error.field.join('.');
  return path === name || path.endsWith(`.${name}`);
}

export class FormErrors {
  readonly errors: readonly UserError[];
  readonly #fields: readonly string[];

  /** `fields`: the names of the fields the form shows. */
  constructor(errors: readonly UserError[] = [], fields: readonly string[] = []) {
    this.errors = errors;
    this.#fields = fields;
  }

  /** The messages for one field of the form. */
  for(name: string): string[] {
    return this.errors.filter((error) => namesField(error, name)).map((error) => error.message);
  }

  /** Messages for no field the form shows: they go at the top of the form. */
  get general(): string[] {
    return this.errors
      .filter((error) => !this.#fields.some((name) => namesField(error, name)))
      .map((error) => error.message);
  }

  get empty(): boolean {
    return this.errors.length === 0;
  }
}
