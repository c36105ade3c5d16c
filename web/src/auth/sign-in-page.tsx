import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiError } from '../api/http-client';
import { useAuth } from './auth-provider';
import { PasswordField } from './password-field';

export function SignInPage() {
  const { user, loading, signIn, sessionEnded } = useAuth();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/inbox';

  if (user) return <Navigate to={from} replace />;
  if (loading) return <div className="splash">Loading…</div>;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) setError('Wrong email or password.');
      else if (caught instanceof ApiError && caught.status === 429)
        setError('Too many attempts. Try again later.');
      else setError(caught instanceof Error ? caught.message : 'Sign-in failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sign-in">
      <form onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to crm-inbox</h1>
        <p className="muted">
          The agents&apos; live inbox: Facebook, Zalo and TikTok conversations in one place.
        </p>
        {sessionEnded === 'expired' && (
          <p className="notice" role="status" data-testid="session-ended">
            Your session ended: sign in again
          </p>
        )}
        {sessionEnded === 'signed-out' && (
          <p className="notice" role="status">
            You signed out.
          </p>
        )}
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <PasswordField
          label="Password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
