import { lazy, Suspense } from 'react';
import { RegisterPage, SignInPage } from './AccountPages';
import { filesRoomOf } from './files/filesRoute';
import { LandingPage } from './LandingPage';
import { useLocation } from './navigation';
import { RoomSkeleton } from './RoomSkeleton';

// The room page carries Monaco (megabytes); the landing page should not wait for it.
const RoomPage = lazy(() => import('./RoomPage').then((m) => ({ default: m.RoomPage })));

export function App() {
  const { pathname, hash } = useLocation();
  if (pathname === '/signin') return <SignInPage />;
  if (pathname === '/register') return <RegisterPage />;
  // The room and its Files page share one RoomPage, so moving between them keeps the session.
  if (!pathname.startsWith('/r/') && !filesRoomOf(pathname)) return <LandingPage />;
  return (
    <Suspense fallback={<RoomSkeleton />}>
      <RoomPage pathname={pathname} hash={hash} />
    </Suspense>
  );
}
