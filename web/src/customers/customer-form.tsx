import { useState, type FormEvent } from 'react';
import type { Customer, CustomerInput } from '../api/models';
import { customerLabel } from './customer-label';

const FIELDS: Array<{ name: keyof CustomerInput; label: string; type: string }> = [
  { name: 'name', label: 'Name', type: 'text' },
  { name: 'phone', label: 'Phone', type: 'tel' },
  { name: 'email', label: 'Email', type: 'email' },
  { name: 'notes', label: 'Notes', type: 'textarea' },
];

interface Props {
  customer?: Customer;
  busy: boolean;
  error: string | null;
  onSave: (input: CustomerInput) => void;
  onCancel: () => void;
}

/** Create or edit one customer; empty fields are sent as null (cleared). */
export function CustomerForm({ customer, busy, error, onSave, onCancel }: Props) {
  const [values, setValues] = useState<Record<keyof CustomerInput, string>>({
    name: customer?.name ?? '',
    phone: customer?.phone ?? '',
    email: customer?.email ?? '',
    notes: customer?.notes ?? '',
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const input: CustomerInput = {};
    for (const field of FIELDS) {
      const value = values[field.name].trim();
      if (value) input[field.name] = value;
      else if (customer) input[field.name] = null;
    }
    onSave(input);
  };
  return (
    <form
      className="customer-form"
      onSubmit={submit}
      aria-label={customer ? 'Edit customer' : 'New customer'}
    >
      <h3>{customer ? `Edit ${customerLabel(customer, customer.identities[0])}` : 'New customer'}</h3>
      {FIELDS.map((field) => (
        <label key={field.name}>
          {field.label}
          {field.type === 'textarea' ? (
            <textarea
              value={values[field.name]}
              onChange={(event) => setValues({ ...values, [field.name]: event.target.value })}
            />
          ) : (
            <input
              type={field.type}
              value={values[field.name]}
              onChange={(event) => setValues({ ...values, [field.name]: event.target.value })}
            />
          )}
        </label>
      ))}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
