import { describe, expect, it } from 'vitest';
import { expiryText } from './RoomControls';

describe('the expiry note in Room settings', () => {
  it('says the idle expiry in whole units and the date it would come', () => {
    const lastActiveAt = Date.UTC(2026, 0, 1, 12, 0);
    const text = expiryText({ idleExpiryMs: 30 * 86_400_000, lastActiveAt }, 'en-GB');
    expect(text).toMatch(/^Expires after 30 days without activity: around /);
    expect(text).toContain(new Date(lastActiveAt + 30 * 86_400_000).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }));
    expect(expiryText({ idleExpiryMs: 3_600_000, lastActiveAt }, 'en-GB')).toMatch(/^Expires after 1 hour without/);
    expect(expiryText({ idleExpiryMs: 90_000, lastActiveAt }, 'en-GB')).toMatch(/^Expires after 90 seconds without/);
  });
});
