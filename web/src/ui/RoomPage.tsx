import { useEffect, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { rememberedName } from '../rooms/identity';
import { recentRooms } from '../rooms/recentRooms';
import { useValue } from '../state/value';
import { CodeEditor } from './CodeEditor';
import { JoinRequests } from './JoinRequests';
import { KeyWaitPage, WaitingPage } from './LobbyPages';
import { PasswordPage } from './PasswordPage';
import { RemoteCursorStyles } from './RemoteCursorStyles';
import { RemovalNotices } from './RemovalNotices';
import { RoomClosedPage } from './RoomClosedPage';
import { RoomSkeleton } from './RoomSkeleton';
import { EditorHint, focusPane, SkipLinks, usePaneShortcuts, type Pane } from './roomKeyboard';
import { TopBar } from './TopBar';
import { UnusableLinkPage } from './UnusableLinkPage';
import { ChatPane } from './chat/ChatPane';
import { FilesPage } from './files/FilesPage';
import { NoLinkSecretPage, useRoomRoute } from './files/filesRoute';
import { useAwayStatus, useMediaQuery, usePageVisible, usePreventFileNavigation } from './hooks';
import { useRoomSession, type RoomSession } from './useRoomSession';
import { useRoomSetup } from './useRoomSetup';
import { ChooseNamePage, NameClashNote } from './YourName';

export function RoomPage({ pathname, hash }: { pathname: string; hash: string }) {
  const route = useRoomRoute(pathname, hash);
  if (route.kind === 'incomplete') return <IncompleteLink />;
  if (route.kind === 'no-link') return <NoLinkSecretPage />;
  // Keyed by the room alone: a renewed link replaces the fragment while the room stays open, and
  // the room and its Files page share one session.
  return <Room key={route.roomId} roomId={route.roomId} linkSecret={route.linkSecret} view={route.view} />;
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

interface RoomProps {
  roomId: string;
  linkSecret: Uint8Array;
  view: 'room' | 'files';
}

/** A browser's first room asks for a name before it joins: the join already carries it (to the lobby). */
function Room(props: RoomProps) {
  const [name, setName] = useState(() => rememberedName());
  if (!name) return <ChooseNamePage onChosen={setName} />;
  return <NamedRoom {...props} name={name} />;
}

function NamedRoom({ roomId, linkSecret, view, name }: RoomProps & { name: string }) {
  const { session, failure } = useRoomSession(roomId, linkSecret, name);
  if (failure) return <NoDeviceKeys message={failure} />;
  if (!session) return <RoomSkeleton />;
  return <OpenOrClosed session={session} view={view} />;
}

function NoDeviceKeys({ message }: { message: string }) {
  return (
    <main className="notice">
      <h1>This browser cannot open encrypted rooms</h1>
      <p>It could not make the device keys a room needs ({message}). Try a current browser, over https.</p>
    </main>
  );
}

/** Keeps this room in the browser's "Recent rooms" under the name it shows now (nothing is sent). */
function useRecentRoom({ sync, roomId }: RoomSession, name: string): void {
  const membership = useValue(sync.membership);
  useEffect(() => {
    if (membership) void recentRooms()?.record({ roomId, name, lastOpenedAt: Date.now() }).catch(() => {});
  }, [membership, roomId, name]);
}

/**
 * The room's custom name once it is read, else the one picked from its id; the tab's title says
 * it, with the count of messages from others that came while the tab was hidden: "(3) Name · Parley".
 */
function useRoomName(session: RoomSession): string {
  const custom = useValue(session.sync.roomKeys.roomName);
  const name = custom ?? session.defaultName;
  const unread = useUnread(session, usePageVisible());
  useEffect(() => {
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${name} · Parley`;
  }, [name, unread]);
  return name;
}

/**
 * Once the room is over for this browser (kicked, ended, refused from the lobby, or left), an
 * explanation replaces all of it; while a protected room waits for its password, the password
 * page does; while this browser waits in the lobby, or for its first key, a waiting page.
 */
function OpenOrClosed({ session, view }: { session: RoomSession; view: 'room' | 'files' }) {
  const { sync } = session;
  const closed = useValue(sync.closed);
  const prompt = useValue(sync.protection.prompt);
  const waiting = useValue(sync.lobby.waiting);
  const keyless = useValue(sync.roomKeys.waiting);
  const status = useValue(sync.status);
  const refusal = useValue(sync.joinRefusal);
  const membership = useValue(sync.membership);
  useEffect(() => {
    // A room this browser can no longer open has no place among its recent rooms.
    if (closed || (refusal && !membership)) void recentRooms()?.forget(session.roomId).catch(() => {});
  }, [closed, refusal, membership, session.roomId]);
  if (closed) return <RoomClosedPage reason={closed} />;
  // Refused before it ever got in (a renewed link, a room that is gone): no room to show at all.
  if (refusal && !membership) return <UnusableLinkPage code={refusal} />;
  if (prompt) return <PasswordPage prompt={prompt} onEnter={(password) => sync.protection.enter(password)} />;
  if (waiting) return <WaitingPage />;
  if (keyless && status === 'connecting') return <KeyWaitPage />;
  return view === 'files' ? <FilesPage session={session} /> : <RoomLayout session={session} />;
}

function RoomLayout({ session }: { session: RoomSession }) {
  const { sync } = session;
  // Already in words for the person: the client's sentence for the refusal's code (wire/refusalWords.ts).
  const message = useValue(sync.failure);
  const keyless = useValue(sync.roomKeys.waiting);
  const roomName = useRoomName(session);
  const setupFailure = useRoomSetup(session);
  useRecentRoom(session, roomName);
  const narrow = useMediaQuery('(max-width: 699px)');
  const [tab, setTab] = useState<Pane>('code');
  useAwayStatus(sync.awareness);
  usePreventFileNavigation();
  // Rendered at once, so the pane a narrow screen was hiding shows before the focus moves into it.
  const goTo = (pane: Pane) => focusPane(pane, (p) => flushSync(() => setTab(p)));
  usePaneShortcuts(goTo);
  return (
    <div className="room">
      <SkipLinks goTo={goTo} />
      <TopBar session={session} roomName={roomName} narrow={narrow} />
      <main className="room-main">
        {message && (
          <p role="alert" className="banner">
            {message}
          </p>
        )}
        {setupFailure && (
          <p role="alert" className="banner">
            {setupFailure}
          </p>
        )}
        {keyless && !message && (
          <p role="alert" className="banner">
            The room&apos;s key changed and no member has shared the new one with this browser yet: new edits and messages
            wait until one does.
          </p>
        )}
        <NameClashNote session={session} />
        <JoinRequests sync={sync} />
        <RemovalNotices session={session} />
        <RemoteCursorStyles sync={sync} presence={session.presence} />
        {narrow ? <RoomTabs session={session} tab={tab} setTab={setTab} /> : <RoomSplit session={session} />}
      </main>
    </div>
  );
}

/** The editor with the line under it that says how to leave it. */
function EditorArea({ session }: { session: RoomSession }) {
  return (
    <div className="editor-area">
      <CodeEditor sync={session.sync} />
      <EditorHint />
    </div>
  );
}

/** Editor | chat, side by side; the divider drags (or moves with the arrow keys) and is remembered in this browser. */
function RoomSplit({ session }: { session: RoomSession }) {
  const layout = useDefaultLayout({ id: 'parley.split', storage: localStorage, onlySaveAfterUserInteractions: true });
  return (
    <Group orientation="horizontal" className="split" defaultLayout={layout.defaultLayout} onLayoutChanged={layout.onLayoutChanged}>
      <Panel id="editor" defaultSize="68%" minSize="25%" className="pane">
        <EditorArea session={session} />
      </Panel>
      <Separator className="resize-handle" aria-label="Resize editor and chat" />
      <Panel id="chat" defaultSize="32%" minSize="20%" className="pane side">
        <ChatPane session={session} />
      </Panel>
    </Group>
  );
}

/** Narrow screens: one pane at a time. Both stay mounted, so the editor keeps its state while chatting. */
function RoomTabs({ session, tab, setTab }: { session: RoomSession; tab: Pane; setTab: (tab: Pane) => void }) {
  const unread = useUnread(session, tab === 'chat');
  const tabs = [
    ['code', 'Code'],
    ['chat', 'Chat'],
  ] as const;
  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const next = tab === 'code' ? 'chat' : 'code';
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  }
  return (
    <div className="tabs-layout">
      <div role="tablist" aria-label="Room" className="tablist" onKeyDown={onKeyDown}>
        {tabs.map(([id, label]) => (
          <button
            key={id}
            id={`tab-${id}`}
            type="button"
            role="tab"
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            onClick={() => setTab(id)}
          >
            {label}
            {id === 'chat' && unread > 0 && <span className="badge"> {unread} new</span>}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="panel-code" aria-labelledby="tab-code" className="tab-panel" hidden={tab !== 'code'}>
        <EditorArea session={session} />
      </div>
      <div role="tabpanel" id="panel-chat" aria-labelledby="tab-chat" className="tab-panel side" hidden={tab !== 'chat'}>
        <ChatPane session={session} />
      </div>
    </div>
  );
}

/** Messages from others that arrived while the chat was not showing (its tab, or the whole page). */
function useUnread({ chat }: RoomSession, showing: boolean): number {
  const items = useValue(chat.messages);
  const loaded = useValue(chat.loaded);
  const newest = items.reduce((max, item) => Math.max(max, item.seq ?? 0), 0);
  const [seen, setSeen] = useState<number | null>(null);
  useEffect(() => {
    // History that was there before this visit is not news; nor is anything while the chat shows.
    if (loaded && (showing || seen === null)) setSeen(newest);
  }, [loaded, showing, newest, seen]);
  if (showing || seen === null) return 0;
  return items.filter((item) => item.seq !== null && item.seq > seen && !item.mine).length;
}
