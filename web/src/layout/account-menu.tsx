import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/http-client';
import { useAuth, useCurrentUser } from '../auth/auth-provider';
import { PasswordField } from '../auth/password-field';

function passwordError(caught: unknown): string {
  if (caught instanceof ApiError && caught.status === 403) return 'The current password is wrong.';
  if (caught instanceof ApiError && caught.status === 400) return `The new password was not accepted: ${caught.message}`;
  if (caught instanceof ApiError && caught.status === 429) return 'Too many attempts. Try again later.';
  return caught instanceof Error ? caught.message : 'The password could not be changed.';
}

/** Current and new password; the session (this browser's tabs) stays signed in, other browsers are signed out. */
function ChangePasswordDialog({ onClose, onChanged }: { onClose: () => void; onChanged: () => void }) {
  const { changePassword } = useAuth();
  const titleId = useId();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    changePassword(currentPassword, newPassword).then(onChanged, (caught: unknown) => {
      setError(passwordError(caught));
      setBusy(false);
    });
  };

  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onSubmit={submit}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onClose();
        }}
      >
        <h2 id={titleId}>Change password</h2>
        <PasswordField
          label="Current password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={setCurrentPassword}
          autoFocus
        />
        <PasswordField
          label="New password"
          autoComplete="new-password"
          value={newPassword}
          onChange={setNewPassword}
        />
        <p className="muted">8 to 200 characters. Your other browsers will be signed out.</p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </div>
      </form>
    </div>
  );
}

/** The header's account menu: who is signed in, "Change password" and "Sign out" (every tab). */
export function AccountMenu() {
  const user = useCurrentUser();
  const { signOut } = useAuth();
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState(false);
  const [changed, setChanged] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return undefined;
    const close = (event: MouseEvent): void => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const menuItem = (label: string, choose: () => void) => (
    <button
      type="button"
      role="menuitem"
      className="link"
      onClick={() => {
        setOpen(false);
        choose();
      }}
    >
      {label}
    </button>
  );

  return (
    <div className="account-menu" ref={root} data-testid="account-menu">
      <button
        type="button"
        className="link who"
        aria-haspopup="menu"
        aria-expanded={open}
        title={user.email}
        onClick={() => setOpen((value) => !value)}
      >
        {user.name} <small>({user.role})</small>
      </button>
      {changed && (
        <span className="account-note" role="status">
          Password changed
        </span>
      )}
      {open && (
        <div className="menu" role="menu" aria-label="Account">
          {menuItem('Change password', () => {
            setChanged(false);
            setDialog(true);
          })}
          {menuItem('Sign out', () => void signOut())}
        </div>
      )}
      {dialog && (
        <ChangePasswordDialog
          onClose={() => setDialog(false)}
          onChanged={() => {
            setDialog(false);
            setChanged(true);
          }}
        />
      )}
    </div>
  );
}
