/**
 * The room's outline, shown at once while its code (Monaco is megabytes) and its session load:
 * the top bar, the editor area and the chat, in their places, so the page never sits empty and
 * nothing jumps when the real room arrives. Screen readers hear that it is loading.
 */
export function RoomSkeleton() {
  return (
    <div className="room skeleton" aria-busy="true">
      <header className="topbar">
        <span className="brand">Parley</span>
        <span className="skeleton-bar" style={{ width: '10rem' }} />
        <span className="skeleton-bar" style={{ width: '6rem', marginInlineStart: 'auto' }} />
      </header>
      <main className="skeleton-panes">
        <p role="status" className="visually-hidden">
          Opening the room…
        </p>
        <div className="skeleton-editor">
          {[62, 48, 71, 35, 55, 40].map((width, i) => (
            <span key={i} className="skeleton-bar" style={{ width: `${width}%` }} />
          ))}
        </div>
        <div className="skeleton-chat side" />
      </main>
    </div>
  );
}
