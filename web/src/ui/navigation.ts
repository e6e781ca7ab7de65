import { useSyncExternalStore } from 'react';

// A two-route app needs no router library: the path picks the page, the fragment holds the secret.

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener('hashchange', onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener('hashchange', onChange);
  };
}

export function navigate(to: string): void {
  history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/**
 * A link's click handler that moves within the app. Modified clicks (new tab or window) stay the
 * browser's job, so they still open the link's href.
 */
export function followInApp(to: string): (event: { button: number; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; altKey: boolean; preventDefault(): void }) => void {
  return (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
}

export function useLocation(): { pathname: string; hash: string } {
  const href = useSyncExternalStore(subscribe, () => location.pathname + location.hash);
  const at = href.indexOf('#');
  return at < 0 ? { pathname: href, hash: '' } : { pathname: href.slice(0, at), hash: href.slice(at) };
}
