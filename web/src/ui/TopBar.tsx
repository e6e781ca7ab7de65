import { useEffect, useMemo, useRef, useState } from 'react';
import { useValue } from '../state/value';
import type { SyncStatus } from '../sync/roomSync';
import { ProtectionLock } from './PasswordPage';
import { currentInviteLink } from './RoomControls';
import { RoomMenu } from './RoomMenu';
import { useMediaQuery, useSharedLanguage } from './hooks';
import { languageOptions } from './monaco';
import { navigate } from './navigation';
import type { RoomSession } from './useRoomSession';
import { copyText } from './clipboard';

const STATUS_TEXT: Record<SyncStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  failed: 'Disconnected',
};

/**
 * The room's header: one row at every width. What does not fit on a phone (the language and "Copy
 * all code") moves into the room menu, as does the account on every width; feedback floats below
 * the row, so no control ever moves when it appears.
 */
export function TopBar({ session, roomName, narrow }: { session: RoomSession; roomName: string; narrow: boolean }) {
  const { sync, roomId } = session;
  const status = useValue(sync.status);
  const online = useValue(sync.onlineCount);
  const isProtected = useValue(sync.protection.isProtected);
  // Below a wide window the language picker drops its visible label (the select keeps its name).
  const roomy = useMediaQuery('(min-width: 1280px)');
  const [feedback, setFeedback] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  function say(text: string) {
    setFeedback(text);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setFeedback(''), 2000);
  }

  async function copy(text: string, done: string) {
    say(await copyText(text, done));
  }

  const copyCode = (
    <button type="button" onClick={() => void copy(sync.text.toString(), 'Copied')}>
      Copy all code
    </button>
  );
  return (
    <header className="topbar">
      <a
        className="brand"
        href="/"
        onClick={(e) => {
          e.preventDefault();
          navigate('/');
        }}
      >
        Parley
      </a>
      <h1 className="room-name" title={roomName}>
        {roomName}
      </h1>
      <ProtectionLock isProtected={isProtected} />
      <span className="members" aria-label="Members online">
        {online} online
      </span>
      <span className="spacer" />
      {!narrow && <LanguagePicker session={session} showLabel={roomy} />}
      {!narrow && copyCode}
      {/* The room's current link, which may have been renewed since this page opened. */}
      <button
        type="button"
        aria-label={narrow ? 'Copy invite link' : undefined}
        onClick={() => void copy(currentInviteLink(sync, roomId), 'Invite link copied')}
      >
        {narrow ? 'Invite' : 'Copy invite link'}
      </button>
      <span role="status" aria-label="Connection status" className={`connection ${status}`}>
        {/* A phone shows the dot alone; the words stay for screen readers. */}
        <span className={narrow ? 'visually-hidden' : undefined}>{STATUS_TEXT[status]}</span>
      </span>
      <RoomMenu
        session={session}
        onDone={say}
        tools={
          narrow && (
            <div className="menu-tools">
              <LanguagePicker session={session} showLabel />
              {copyCode}
            </div>
          )
        }
      />
      <span className={feedback ? 'feedback shown' : 'feedback'} aria-live="polite">
        {feedback}
      </span>
    </header>
  );
}

function LanguagePicker({ session, showLabel }: { session: RoomSession; showLabel: boolean }) {
  const { sync } = session;
  const language = useSharedLanguage(sync.meta);
  const languages = useMemo(languageOptions, []);
  return (
    <div className="language">
      <label htmlFor="language-picker" className={showLabel ? undefined : 'visually-hidden'}>
        Language
      </label>
      <select id="language-picker" value={language} onChange={(e) => sync.meta.set('language', e.target.value)}>
        {!languages.some((l) => l.id === language) && <option value={language}>{language}</option>}
        {languages.map((l) => (
          <option key={l.id} value={l.id}>
            {l.label}
          </option>
        ))}
      </select>
    </div>
  );
}
