import type { FormErrors } from '@minishop/web-shared/errors';
import { Field } from '@minishop/web-shared/ui';

export interface AddressDraft {
  fullName: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  phone: string;
}

export const EMPTY_ADDRESS: AddressDraft = {
  fullName: '',
  line1: '',
  line2: '',
  city: '',
  region: '',
  postalCode: '',
  country: '',
  phone: '',
};

const FIELDS: ReadonlyArray<{ key: keyof AddressDraft; label: string; optional?: boolean; hint?: string }> = [
  { key: 'fullName', label: 'Full name' },
  { key: 'line1', label: 'Address line 1' },
  { key: 'line2', label: 'Address line 2', optional: true },
  { key: 'city', label: 'City' },
  { key: 'region', label: 'Region / state', optional: true },
  { key: 'postalCode', label: 'Postal code' },
  { key: 'country', label: 'Country', hint: 'Two-letter code, e.g. US' },
  { key: 'phone', label: 'Phone', optional: true },
];

/** The names the form's fields answer to in userErrors, under `prefix` (e.g. "shippingAddress"). */
export function addressFieldNames(prefix?: string): string[] {
  return FIELDS.map((field) => (prefix ? `${prefix}.${field.key}` : field.key));
}

/** Optional fields left empty are sent as null. */
export function addressInput(draft: AddressDraft) {
  const blank = (value: string) => (value.trim() ? value.trim() : null);
  return {
    fullName: draft.fullName.trim(),
    line1: draft.line1.trim(),
    line2: blank(draft.line2),
    city: draft.city.trim(),
    region: blank(draft.region),
    postalCode: draft.postalCode.trim(),
    country: draft.country.trim().toUpperCase(),
    phone: blank(draft.phone),
  };
}

export function AddressFields({
  value,
  onChange,
  errors,
  prefix,
}: {
  value: AddressDraft;
  onChange: (value: AddressDraft) => void;
  errors: FormErrors;
  prefix?: string;
}) {
  return (
    <div className="row">
      {FIELDS.map((field) => {
        const name = prefix ? `${prefix}.${field.key}` : field.key;
        return (
          <Field
            key={field.key}
            label={field.optional ? `${field.label} (optional)` : field.label}
            name={name}
            errors={errors.for(name)}
            hint={field.hint}
          >
            {(props) => (
              <input
                {...props}
                required={!field.optional}
                value={value[field.key]}
                onChange={(event) => onChange({ ...value, [field.key]: event.target.value })}
                autoComplete={field.key === 'fullName' ? 'name' : 'off'}
              />
            )}
          </Field>
        );
      })}
    </div>
  );
}
