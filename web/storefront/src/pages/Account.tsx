import { type FormEvent, useState } from 'react';

import { FormErrors } from '@minishop/web-shared/errors';
import { useMutation, useQuery } from '@minishop/web-shared/hooks';
import { ErrorBox, Errors, Field, Loading, StatusBadge, dateTime } from '@minishop/web-shared/ui';

import { AddressFields, type AddressDraft, EMPTY_ADDRESS, addressFieldNames, addressInput } from '../components/AddressFields';
import { RequireSignIn } from '../components/RequireSignIn';
import {
  AddAddressDocument,
  type AddressFieldsFragment,
  ChangePasswordDocument,
  MeDocument,
  MyNotificationsDocument,
  NotificationPreferencesDocument,
  type NotificationPreferencesFieldsFragment,
  RemoveAddressDocument,
  UpdateAddressDocument,
  UpdateNotificationPreferencesDocument,
  UpdateProfileDocument,
} from '../gql/graphql';
import { useShop } from '../shop';

function Profile() {
  const { viewer, graph } = useShop();
  const [update, state] = useMutation(UpdateProfileDocument);
  const [name, setName] = useState(viewer?.name ?? '');
  const [email, setEmail] = useState(viewer?.email ?? '');
  const [currentPassword, setCurrentPassword] = useState('');
  const [errors, setErrors] = useState(new FormErrors([], ['name', 'email', 'currentPassword']));
  const [saved, setSaved] = useState(false);
  const emailChanged = email.trim() !== (viewer?.email ?? '');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const input = emailChanged ? { name, email: email.trim(), currentPassword } : { name };
    const result = await update({ input });
    if (!result) return;
    const { user, userErrors } = result.updateProfile;
    setErrors(new FormErrors(userErrors, ['name', 'email', 'currentPassword']));
    if (user && userErrors.length === 0) {
      graph.session.updateUser(user);
      setCurrentPassword('');
      setSaved(true);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Profile">
      <h2>Profile</h2>
      <Errors messages={errors.general} />
      <div className="row">
        <Field label="Name" name="name" errors={errors.for('name')}>
          {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="E-mail" name="email" errors={errors.for('email')}>
          {(props) => <input {...props} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        {emailChanged ? (
          <Field label="Current password" name="currentPassword" errors={errors.for('currentPassword')}>
            {(props) => (
              <input {...props} type="password" value={currentPassword} onChange={(e) => setCurrentPassword(e.target.value)} />
            )}
          </Field>
        ) : null}
      </div>
      <button type="submit" disabled={state.busy}>
        Save profile
      </button>
      {saved ? <span className="muted"> Saved.</span> : null}
      <ErrorBox error={state.error} />
    </form>
  );
}

function Password() {
  const [change, state] = useMutation(ChangePasswordDocument);
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [errors, setErrors] = useState(new FormErrors([], ['currentPassword', 'newPassword']));
  const [saved, setSaved] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const result = await change({ input: { currentPassword, newPassword } });
    if (!result) return;
    const { userErrors } = result.changePassword;
    setErrors(new FormErrors(userErrors, ['currentPassword', 'newPassword']));
    if (userErrors.length === 0) {
      setCurrent('');
      setNew('');
      setSaved(true);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Password">
      <h2>Password</h2>
      <Errors messages={errors.general} />
      <div className="row">
        <Field label="Current password" name="currentPassword" errors={errors.for('currentPassword')}>
          {(props) => <input {...props} type="password" autoComplete="current-password" value={currentPassword} onChange={(e) => setCurrent(e.target.value)} />}
        </Field>
        <Field label="New password" name="newPassword" errors={errors.for('newPassword')} hint="8 to 128 characters.">
          {(props) => <input {...props} type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNew(e.target.value)} />}
        </Field>
      </div>
      <button type="submit" disabled={state.busy}>
        Change password
      </button>
      {saved ? <span className="muted"> Changed; your other sign-ins were ended.</span> : null}
      <ErrorBox error={state.error} />
    </form>
  );
}

const ADDRESS_FIELDS = [...addressFieldNames(), 'isDefault'];

function draftOf(address: AddressFieldsFragment): AddressDraft {
  return {
    fullName: address.fullName,
    line1: address.line1,
    line2: address.line2 ?? '',
    city: address.city,
    region: address.region ?? '',
    postalCode: address.postalCode,
    country: address.country,
    phone: address.phone ?? '',
  };
}

function AddressForm({
  address,
  onSaved,
  onCancel,
}: {
  address?: AddressFieldsFragment;
  onSaved: () => void;
  onCancel?: () => void;
}) {
  const [add, adding] = useMutation(AddAddressDocument);
  const [update, updating] = useMutation(UpdateAddressDocument);
  const [draft, setDraft] = useState<AddressDraft>(address ? draftOf(address) : EMPTY_ADDRESS);
  const [isDefault, setIsDefault] = useState(address?.isDefault ?? false);
  const [errors, setErrors] = useState(new FormErrors([], ADDRESS_FIELDS));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = { ...addressInput(draft), isDefault };
    const payload = address
      ? (await update({ id: address.id, input }))?.updateAddress
      : (await add({ input }))?.addAddress;
    if (!payload) return;
    setErrors(new FormErrors(payload.userErrors, ADDRESS_FIELDS));
    if (payload.userErrors.length === 0) {
      if (!address) setDraft(EMPTY_ADDRESS);
      onSaved();
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label={address ? 'Edit address' : 'New address'}>
      <Errors messages={errors.general} />
      <AddressFields value={draft} onChange={setDraft} errors={errors} />
      <label className="choice">
        <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} /> Default address
      </label>
      <div className="row">
        <button type="submit" disabled={adding.busy || updating.busy}>
          {address ? 'Save address' : 'Add address'}
        </button>
        {onCancel ? (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      <ErrorBox error={adding.error ?? updating.error} />
    </form>
  );
}

function Addresses() {
  const { data, error, loading, reload } = useQuery(MeDocument, {});
  const [remove, removing] = useMutation(RemoveAddressDocument);
  const [editing, setEditing] = useState<string | null>(null);
  const [removeErrors, setRemoveErrors] = useState<string[]>([]);
  const addresses = data?.me?.addresses ?? [];
  return (
    <section className="card">
      <h2>Addresses</h2>
      <ErrorBox error={error ?? removing.error} />
      <Errors messages={removeErrors} />
      {loading && !data ? <Loading /> : null}
      {addresses.map((address) =>
        editing === address.id ? (
          <AddressForm
            key={address.id}
            address={address}
            onSaved={() => {
              setEditing(null);
              reload();
            }}
            onCancel={() => setEditing(null)}
          />
        ) : (
          <div key={address.id} className="summary-line" data-testid="address">
            <span>
              {address.fullName}, {address.line1}, {address.city} {address.postalCode}, {address.country}{' '}
              {address.isDefault ? <span className="badge">default</span> : null}
            </span>
            <span>
              <button type="button" className="link" onClick={() => setEditing(address.id)}>
                Edit
              </button>{' '}
              <button
                type="button"
                className="link"
                onClick={() =>
                  void remove({ id: address.id }).then((result) => {
                    setRemoveErrors(result?.removeAddress.userErrors.map((e) => e.message) ?? []);
                    reload();
                  })
                }
              >
                Remove
              </button>
            </span>
          </div>
        ),
      )}
      <h3>Add an address</h3>
      <AddressForm onSaved={reload} />
    </section>
  );
}

function Preferences() {
  const { data, error } = useQuery(NotificationPreferencesDocument, {});
  const current = data?.me?.notificationPreferences;
  if (!current) {
    // The form waits for the saved choices: edits made over the defaults
    // would be overwritten when they arrive.
    return (
      <section className="card">
        <h2>Notifications</h2>
        <ErrorBox error={error} />
        {error ? null : <Loading what="Loading your preferences" />}
      </section>
    );
  }
  return <PreferencesForm saved={current} />;
}

function PreferencesForm({ saved: initial }: { saved: NotificationPreferencesFieldsFragment }) {
  const [update, state] = useMutation(UpdateNotificationPreferencesDocument);
  const [email, setEmail] = useState(initial.email);
  const [sms, setSms] = useState(initial.sms);
  const [phone, setPhone] = useState(initial.phone ?? '');
  const [errors, setErrors] = useState(new FormErrors([], ['email', 'sms', 'phone']));
  const [saved, setSaved] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const result = await update({ input: { email, sms, phone: phone.trim() || null } });
    if (!result) return;
    const { userErrors } = result.updateNotificationPreferences;
    setErrors(new FormErrors(userErrors, ['email', 'sms', 'phone']));
    setSaved(userErrors.length === 0);
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Notification preferences">
      <h2>Notifications</h2>
      <ErrorBox error={state.error} />
      <Errors messages={errors.general} />
      <label className="choice">
        <input type="checkbox" checked={email} onChange={(e) => setEmail(e.target.checked)} /> E-mail me about my orders
      </label>
      <Errors messages={errors.for('email')} />
      <label className="choice">
        <input type="checkbox" checked={sms} onChange={(e) => setSms(e.target.checked)} /> Text me (SMS)
      </label>
      <Errors messages={errors.for('sms')} />
      <Field label="Phone for SMS" name="phone" errors={errors.for('phone')}>
        {(props) => <input {...props} type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />}
      </Field>
      <button type="submit" disabled={state.busy}>
        Save preferences
      </button>
      {saved ? <span className="muted"> Saved.</span> : null}
    </form>
  );
}

function RecentNotifications() {
  const { data, error } = useQuery(MyNotificationsDocument, { first: 10 });
  const notifications = data?.me?.notifications.nodes ?? [];
  return (
    <section className="card">
      <h2>Messages we sent you</h2>
      <ErrorBox error={error} />
      {data && notifications.length === 0 ? <p className="muted">None yet.</p> : null}
      {notifications.length > 0 ? (
        <table>
          <tbody>
            {notifications.map((n) => (
              <tr key={n.id}>
                <td>{n.subject ?? n.kind}</td>
                <td>{n.channel}</td>
                <td>
                  <StatusBadge status={n.status} />
                </td>
                <td className="muted">{dateTime(n.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export function AccountPage() {
  return (
    <RequireSignIn what="your account">
      <div className="stack">
        <h1>Your account</h1>
        <Profile />
        <Addresses />
        <Preferences />
        <Password />
        <RecentNotifications />
      </div>
    </RequireSignIn>
  );
}
