// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { guardUnsentWork } from './leaveGuard';

function leave(): Event {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event;
}

describe('leaving a room page', () => {
  it('asks while edits or messages are unsent, and not once all is acknowledged', () => {
    let unsent = true;
    const stop = guardUnsentWork(() => unsent);
    try {
      expect(leave().defaultPrevented).toBe(true);
      unsent = false;
      expect(leave().defaultPrevented).toBe(false);
    } finally {
      stop();
    }
  });

  it('stops asking once the room page is gone', () => {
    guardUnsentWork(() => true)();
    expect(leave().defaultPrevented).toBe(false);
  });
});
