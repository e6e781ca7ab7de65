import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';
import { account, type AccountState } from '../accounts/accountClient';
import { useValue } from '../state/value';
import { navigate } from './navigation';

const RETURN_KEY = 'parley.returnTo';
const ACCOUNT_PAGES = ['/signin', '/register'];

/** This page's account, asked of the server once; null until it answers. */
export function useAccount(): AccountState | null {
  useEffect(() => {
    account.load().catch(() => {}); // unreachable server: the page shows "Sign in" and the room says it is offline
  }, []);
  return useValue(account.state);
}

/**
 * Goes to the sign-in or register page and remembers where to come back to. Kept in this tab's
 * session storage, never in the URL: a room's address carries its link secret in the fragment.
 */
export function goToAccountPage(path: '/signin' | '/register'): void {
  try {
    if (!ACCOUNT_PAGES.includes(location.pathname)) sessionStorage.setItem(RETURN_KEY, location.pathname + location.hash);
  } catch {
    // storage blocked: the way back is the landing page
  }
  navigate(path);
}

/** Back to where the person was before signing in or registering (the landing page if nowhere). */
export function returnFromAccountPage(): void {
  let to: string | null = null;
  try {
    to = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
  } catch {
    // storage blocked
  }
  navigate(to && to.startsWith('/') && !to.startsWith('//') ? to : '/');
}

/** A link to an account page that keeps the way back. */
export function AccountLink({ to, id, children }: { to: '/signin' | '/register'; id?: string; children: ReactNode }) {
  const go = (event: MouseEvent) => {
    event.preventDefault();
    goToAccountPage(to);
  };
  return (
    <a href={to} id={id} onClick={go}>
      {children}
    </a>
  );
}

/** "Sign in" (and "Register") for a guest; "Signed in as NAME" and "Sign out" for someone signed in. */
export function AccountBar({ offerRegister = false }: { offerRegister?: boolean }) {
  const state = useAccount();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signOut() {
    setBusy(true);
    setError(null);
    try {
      await account.signOut();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not sign out.');
    } finally {
      setBusy(false);
    }
  }

  if (state?.signedIn)
    return (
      <div className="account-bar">
        <span className="account-name">Signed in as {state.userName}</span>
        <button type="button" className="small" onClick={() => void signOut()} disabled={busy} aria-busy={busy}>
          Sign out
        </button>
        {error && (
          <span role="alert" className="error">
            {error}
          </span>
        )}
      </div>
    );
  return (
    <nav className="account-bar" aria-label="Account">
      <AccountLink to="/signin">Sign in</AccountLink>
      {offerRegister && <AccountLink to="/register">Register</AccountLink>}
    </nav>
  );
}
