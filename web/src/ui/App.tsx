import { lazy, Suspense } from 'react';
import { RegisterPage, SignInPage } from './AccountPages';
import { LandingPage } from './LandingPage';
import { useLocation } from './navigation';

// The room page carries Monaco (megabytes); the landing page should not wait for it.
const RoomPage = lazy(() => import('./RoomPage').then((m) => ({ default: m.RoomPage })));

export function App() {
  const { pathname, hash } = useLocation();
  if (pathname === '/signin') return <SignInPage />;
  if (pathname === '/register') return <RegisterPage />;
  if (!pathname.startsWith('/r/')) return <LandingPage />;
  return (
    <Suspense fallback={<main className="notice" aria-busy="true" />}>
      <RoomPage pathname={pathname} hash={hash} />
    </Suspense>
  );
}
