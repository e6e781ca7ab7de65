import { useEffect, useId, useState, type FormEvent } from 'react';
import { account, type AccountState } from '../accounts/accountClient';
import { AccountLink, returnFromAccountPage } from './AccountBar';

export const CHECKING_HUMAN = 'Checking you are human…';

interface AccountFormProps {
  title: string;
  submitLabel: string;
  /** Registering asks for a new password; signing in for the saved one. */
  newPassword: boolean;
  submit: (userName: string, password: string, onChecking: () => void) => Promise<AccountState>;
  other: { question: string; to: '/signin' | '/register'; label: string };
}

/** Sign-in and registration share one form: user name, password, the button, and the server's answer. */
export function AccountForm({ title, submitLabel, newPassword, submit, other }: AccountFormProps) {
  const id = useId();
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${title} · Parley`;
  }, [title]);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await submit(userName.trim(), password, () => setChecking(true));
      returnFromAccountPage();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Something went wrong. Try again.');
      setBusy(false);
    } finally {
      setChecking(false);
    }
  }

  return (
    <main className="notice account-page">
      <h1>{title}</h1>
      <form className="account-form" onSubmit={(e) => void onSubmit(e)} aria-describedby={error ? `${id}-error` : undefined}>
        <label htmlFor={`${id}-user`}>User name</label>
        <input
          id={`${id}-user`}
          type="text"
          autoComplete="username"
          autoCapitalize="off"
          spellCheck={false}
          required
          value={userName}
          onChange={(e) => setUserName(e.target.value)}
        />
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete={newPassword ? 'new-password' : 'current-password'}
          required
          minLength={newPassword ? 8 : undefined}
          aria-describedby={newPassword ? `${id}-rule` : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {newPassword && (
          <p id={`${id}-rule`} className="hint">
            At least 8 characters; a few words make a strong one.
          </p>
        )}
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          {submitLabel}
        </button>
      </form>
      {checking && (
        <p role="status" className="hint">
          {CHECKING_HUMAN}
        </p>
      )}
      {error && (
        <p role="alert" id={`${id}-error`} className="error">
          {error}
        </p>
      )}
      <p>
        {other.question} <AccountLink to={other.to}>{other.label}</AccountLink>
      </p>
    </main>
  );
}

export function SignInPage() {
  return (
    <AccountForm
      title="Sign in"
      submitLabel="Sign in"
      newPassword={false}
      submit={(userName, password) => account.signIn(userName, password)}
      other={{ question: 'No account yet?', to: '/register', label: 'Register' }}
    />
  );
}

export function RegisterPage() {
  return (
    <AccountForm
      title="Register"
      submitLabel="Register"
      newPassword
      submit={(userName, password, onChecking) => account.register(userName, password, onChecking)}
      other={{ question: 'Have an account?', to: '/signin', label: 'Sign in' }}
    />
  );
}
