/**
 * Asks before the page closes or navigates away while `unsent()` holds: edits or messages the
 * server has not acknowledged. They are kept in this browser and go out on the next visit, but
 * only then; the person may rather wait for the connection. Nothing asks once all is acknowledged.
 * Returns the function that stops asking.
 */
export function guardUnsentWork(unsent: () => boolean, target: Window = window): () => void {
  const ask = (event: BeforeUnloadEvent) => {
    if (!unsent()) return;
    event.preventDefault();
    // Older browsers ask only when returnValue is set.
    event.returnValue = '';
  };
  target.addEventListener('beforeunload', ask);
  return () => target.removeEventListener('beforeunload', ask);
}
