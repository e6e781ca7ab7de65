import { lazy, Suspense } from 'react';
import { LandingPage } from './LandingPage';
import { useLocation } from './navigation';

// The room page carries Monaco (megabytes); the landing page should not wait for it.
const RoomPage = lazy(() => import('./RoomPage').then((m) => ({ default: m.RoomPage })));

export function App() {
  const { pathname, hash } = useLocation();
  if (!pathname.startsWith('/r/')) return <LandingPage />;
  return (
    <Suspense fallback={<main className="notice" aria-busy="true" />}>
      <RoomPage pathname={pathname} hash={hash} />
    </Suspense>
  );
}
