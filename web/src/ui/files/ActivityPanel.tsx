import { useEffect } from 'react';
import { describeActivity, type ActivityNames } from '../../files/manager/activityLog';
import { useValue } from '../../state/value';
import type { ActivityEvent } from '../../wire/protocol';
import type { RoomSession } from '../useRoomSession';
import { formatDateTime, isoTime, memberName } from './format';

/** The log as a list, newest first: when (local time), then who did what. */
export function ActivityList({ events, names }: { events: readonly ActivityEvent[]; names: ActivityNames }) {
  if (events.length === 0) return <p className="muted">Nothing has happened here yet.</p>;
  return (
    <ol className="activity-list">
      {events.map((event) => (
        <li key={event.seq}>
          <time dateTime={isoTime(event.at)}>{formatDateTime(event.at)}</time> <span>{describeActivity(event, names)}</span>
        </li>
      ))}
    </ol>
  );
}

/** The creator's view of the room's activity log, in pages. */
export function ActivityPanel({ session }: { session: RoomSession }) {
  const { fileManager: manager, sync, presence } = session;
  const log = manager.activity;
  const events = useValue(log.events);
  const more = useValue(log.more);
  const loading = useValue(log.loading);
  const error = useValue(log.error);
  useValue(manager.list.items); // names come from the entries as they are now
  useValue(presence.members);
  useEffect(() => {
    void log.refresh();
    void manager.list.activate();
  }, [log, manager]);

  const names: ActivityNames = {
    member: (id) => memberName(id, sync.memberId, (m) => presence.nameOf(m)),
    entry: (entryId, fileId) => (entryId && manager.list.get(entryId)) || (fileId ? manager.list.byFileId(fileId) : undefined),
  };

  return (
    <section className="activity" aria-labelledby="activity-heading" aria-busy={loading}>
      <div className="activity-head">
        <h2 id="activity-heading">Activity</h2>
        <button type="button" className="small" onClick={() => void log.refresh()} disabled={loading}>
          Refresh
        </button>
      </div>
      <p className="muted">
        Who joined, left or was removed, and what happened to the files. The server keeps no names: they are read here from the
        files as they are now, so a file that is gone shows as &ldquo;a deleted file&rdquo;.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ActivityList events={events} names={names} />
      {more && (
        <button type="button" onClick={() => void log.older()} disabled={loading}>
          Show older
        </button>
      )}
    </section>
  );
}
