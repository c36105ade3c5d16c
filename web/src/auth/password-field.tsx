/** A labelled, required password input (sign-in and the change-password dialog). */
export function PasswordField({
  label,
  autoComplete,
  value,
  onChange,
  autoFocus,
}: {
  label: string;
  autoComplete: 'current-password' | 'new-password';
  value: string;
  onChange: (value: string) => void;
  autoFocus?: boolean;
}) {
  return (
    <label>
      {label}
      <input
        type="password"
        autoComplete={autoComplete}
        required
        autoFocus={autoFocus}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
