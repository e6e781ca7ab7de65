import { useEffect } from 'react';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { parseRoomLocation } from '../rooms/links';
import type { RoomSync } from '../sync/roomSync';
import { CodeEditor } from './CodeEditor';
import { useMediaQuery, useValue } from './hooks';
import { PeoplePanel } from './PeoplePanel';
import { RemoteCursorStyles } from './RemoteCursorStyles';
import { TopBar } from './TopBar';
import { useRoomSession } from './useRoomSession';

export function RoomPage({ pathname, hash }: { pathname: string; hash: string }) {
  const place = parseRoomLocation(pathname, hash);
  if (place.kind !== 'room') return <IncompleteLink />;
  return <Room key={`${place.roomId}${hash}`} roomId={place.roomId} linkSecret={hash.slice(1)} />;
}

function IncompleteLink() {
  useEffect(() => {
    document.title = 'Incomplete link · Parley';
  }, []);
  return (
    <main className="notice">
      <h1>This link is incomplete</h1>
      <p>
        A Parley invite link ends with <code>#</code> and a long code: that part is the room&apos;s key, and it
        never reaches our server. Ask whoever invited you to send the whole link again.
      </p>
      <p>
        <a href="/">Start a new session instead</a>
      </p>
    </main>
  );
}

const FAILURES: [RegExp, string][] = [
  [/Unknown room/, 'This room does not exist. It may have ended.'],
  [/Invalid join key/, 'This link does not open this room. Check that you copied the whole link.'],
];

function Room({ roomId, linkSecret }: { roomId: string; linkSecret: string }) {
  const session = useRoomSession(roomId, linkSecret);
  useEffect(() => {
    document.title = session ? `${session.roomName} · Parley` : 'Parley';
  }, [session]);
  if (!session) return <main className="notice" aria-busy="true" />;
  return <RoomLayout sync={session.sync} roomName={session.roomName} />;
}

function RoomLayout({ sync, roomName }: { sync: RoomSync; roomName: string }) {
  const failure = useValue(sync.failure);
  const narrow = useMediaQuery('(max-width: 699px)');
  const message = failure && (FAILURES.find(([pattern]) => pattern.test(failure))?.[1] ?? failure);
  return (
    <div className="room">
      <TopBar sync={sync} roomName={roomName} />
      {message && (
        <p role="alert" className="banner">
          {message}
        </p>
      )}
      <RemoteCursorStyles awareness={sync.awareness} />
      <Group orientation={narrow ? 'vertical' : 'horizontal'} className="split">
        <Panel id="editor" defaultSize="68%" minSize="20%" className="pane">
          <CodeEditor sync={sync} />
        </Panel>
        <Separator className="resize-handle" aria-label="Resize editor and chat" />
        <Panel id="side" defaultSize="32%" minSize="15%" className="pane side">
          <PeoplePanel awareness={sync.awareness} />
        </Panel>
      </Group>
    </div>
  );
}
