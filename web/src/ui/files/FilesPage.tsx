import { useEffect, useState, type KeyboardEvent } from 'react';
import type { SyncStatus } from '../../sync/roomSync';
import { roomPath } from '../../rooms/links';
import { useAwayStatus, usePreventFileNavigation } from '../hooks';
import { useValue } from '../../state/value';
import { JoinRequests } from '../JoinRequests';
import { navigate } from '../navigation';
import type { RoomSession } from '../useRoomSession';
import { ActivityPanel } from './ActivityPanel';
import { FileBrowser } from './FileBrowser';
import './filesPage.css';

const STATUS_TEXT: Record<SyncStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  failed: 'Disconnected',
};

/** "Back to the room": the room's current invite link (it follows renewals), opened without a reload. */
function BackToRoom({ session }: { session: RoomSession }) {
  const secret = useValue(session.sync.link.text);
  const href = `${roomPath(session.roomId)}#${secret}`;
  return (
    <a
      className="back-link"
      href={href}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; // a new tab is fine too
        e.preventDefault();
        navigate(href);
      }}
    >
      ← Back to the room
    </a>
  );
}

/**
 * The room's Files page (`/rooms/{roomId}/files`), inside the same session as the editor: the
 * files and folders, and for the creator the activity log.
 */
export function FilesPage({ session }: { session: RoomSession }) {
  const { sync } = session;
  const status = useValue(sync.status);
  const isCreator = useValue(sync.isCreator);
  const roomName = useValue(sync.roomKeys.roomName) ?? session.defaultName;
  const [tab, setTab] = useState<'files' | 'activity'>('files');
  const shown = isCreator ? tab : 'files';
  useAwayStatus(sync.awareness);
  usePreventFileNavigation();
  useEffect(() => {
    document.title = `Files · ${roomName} · Parley`;
  }, [roomName]);
  useEffect(() => {
    void session.fileManager.list.activate();
  }, [session]);

  function onTabKey(event: KeyboardEvent) {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const next = tab === 'files' ? 'activity' : 'files';
    setTab(next);
    document.getElementById(`files-tab-${next}`)?.focus();
  }

  return (
    <div className="files-page">
      <header className="files-header">
        <BackToRoom session={session} />
        <h1>
          Files <span className="files-room-name">· {roomName}</span>
        </h1>
        <span className="spacer" />
        <span role="status" aria-label="Connection status" className={`connection ${status}`}>
          {STATUS_TEXT[status]}
        </span>
      </header>
      <JoinRequests sync={sync} />
      <main className="files-main">
        {isCreator && (
          <div role="tablist" aria-label="Files page" className="tablist" onKeyDown={onTabKey}>
            {(['files', 'activity'] as const).map((id) => (
              <button
                key={id}
                id={`files-tab-${id}`}
                type="button"
                role="tab"
                aria-selected={shown === id}
                aria-controls={`files-panel-${id}`}
                tabIndex={shown === id ? 0 : -1}
                onClick={() => setTab(id)}
              >
                {id === 'files' ? 'Files' : 'Activity'}
              </button>
            ))}
          </div>
        )}
        <div role={isCreator ? 'tabpanel' : undefined} id="files-panel-files" aria-labelledby={isCreator ? 'files-tab-files' : undefined} hidden={shown !== 'files'}>
          <FileBrowser session={session} roomName={roomName} />
        </div>
        {isCreator && shown === 'activity' && (
          <div role="tabpanel" id="files-panel-activity" aria-labelledby="files-tab-activity">
            <ActivityPanel session={session} />
          </div>
        )}
      </main>
    </div>
  );
}
