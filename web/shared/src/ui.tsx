/** Small building blocks both apps share. */
import { type ReactNode, useId } from 'react';

import { RequestError } from './client';
import { type Money, formatMoney } from './money';

export function Price({ money, className }: { money: Money; className?: string }) {
  return <span className={className ?? 'price'}>{formatMoney(money)}</span>;
}

export function dateTime(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status.toLowerCase()}`} data-status={status}>
      {status.replaceAll('_', ' ')}
    </span>
  );
}

/** Messages for a field, or the form, with role="alert" so they are announced. */
export function Errors({ messages, id }: { messages: readonly string[]; id?: string }) {
  if (messages.length === 0) return null;
  return (
    <ul className="errors" role="alert" id={id}>
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

interface FieldProps {
  label: string;
  name: string;
  errors?: readonly string[];
  hint?: ReactNode;
  children: (props: {
    id: string;
    name: string;
    'aria-invalid': boolean;
    'aria-describedby'?: string;
  }) => ReactNode;
}

/** A labelled control with its own errors beside it (userErrors naming this field). */
export function Field({ label, name, errors = [], hint, children }: FieldProps) {
  const id = useId();
  const errorId = `${id}-errors`;
  const invalid = errors.length > 0;
  return (
    <div className={invalid ? 'field field-invalid' : 'field'} data-field={name}>
      <label htmlFor={id}>{label}</label>
      {children({ id, name, 'aria-invalid': invalid, ...(invalid ? { 'aria-describedby': errorId } : {}) })}
      {hint ? <small className="hint">{hint}</small> : null}
      <Errors messages={errors} id={errorId} />
    </div>
  );
}

/** What went wrong with a request that gave no data. */
export function describeError(error: Error): string {
  if (error instanceof RequestError) {
    switch (error.code) {
      case 'UNAUTHENTICATED':
        return 'Please sign in again.';
      case 'FORBIDDEN':
        return 'You are not allowed to see this.';
      case 'RATE_LIMITED':
        return `Too many requests: ${error.message}`;
      case 'INTERNAL_SERVER_ERROR':
        return 'Something went wrong on our side. Please try again.';
      default:
        return error.message;
    }
  }
  return error.message;
}

export function ErrorBox({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      {describeError(error)}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" aria-busy="true">
      {what}…
    </p>
  );
}

/** Keyset paging: on with the end cursor, back to the first page (cursors only go forward). */
export function CursorPager({
  total,
  noun,
  hasNextPage,
  endCursor,
  after,
  onPage,
}: {
  total: number;
  noun: string;
  hasNextPage: boolean;
  endCursor: string | null | undefined;
  after: string | null;
  onPage: (after: string | null) => void;
}) {
  return (
    <div className="pager">
      <span className="muted">
        {total} {noun}
      </span>
      {after ? (
        <button type="button" className="secondary" onClick={() => onPage(null)}>
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
