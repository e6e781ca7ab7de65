import { afterEach, describe, expect, it, vi } from 'vitest';
import { safeFileName } from '../files/attachment';
import { decodeMessageBody, encodeMessageBody } from './messageBody';
import { TypingPeople, TypingSignal, typingText } from './typing';

afterEach(() => vi.useRealTimers());

describe('typing', () => {
  it('sends at most one `true` every 2 s while typing, and one `false` when idle', () => {
    vi.useFakeTimers();
    const sent: boolean[] = [];
    const signal = new TypingSignal((t) => sent.push(t), 3000, () => Date.now());
    for (let t = 0; t < 4500; t += 250) {
      signal.input();
      vi.advanceTimersByTime(250);
    }
    expect(sent).toEqual([true, true, true]); // at 0, 2000 and 4000 ms
    vi.advanceTimersByTime(2749); // the last keystroke was 250 ms ago
    expect(sent).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([true, true, true, false]);
    signal.stop();
    expect(sent).toHaveLength(4); // already stopped: nothing more
  });

  it('starts afresh after a stop, so the next keystroke is heard at once', () => {
    vi.useFakeTimers();
    const sent: boolean[] = [];
    const signal = new TypingSignal((t) => sent.push(t));
    signal.input();
    signal.stop();
    signal.input();
    expect(sent).toEqual([true, false, true]);
    signal.reset();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([true, false, true]);
  });

  it('expires a `true` after 5 s unless it is renewed', () => {
    vi.useFakeTimers();
    const people = new TypingPeople();
    people.set('alice', true);
    people.set('bob', true);
    vi.advanceTimersByTime(4000);
    people.set('alice', true);
    vi.advanceTimersByTime(1000);
    expect(people.memberIds.get()).toEqual(['alice']);
    vi.advanceTimersByTime(4000);
    expect(people.memberIds.get()).toEqual([]);
  });

  it.each([
    [[], ''],
    [['Alice'], 'Alice is typing…'],
    [['Alice', 'Bob'], 'Alice and Bob are typing…'],
    [['Alice', 'Bob', 'Carol'], 'Alice, Bob and Carol are typing…'],
    [['A', 'B', 'C', 'D'], 'Several people are typing…'],
  ])('says %j as "%s"', (names, text) => {
    expect(typingText(names)).toBe(text);
  });
});

describe('message bodies', () => {
  const key = 'U-gJdqE_q_IpVLe10Vncdt3i0xsnXuOSPJb8uRZvHvo';
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

  it('round-trips text, author and attachments', () => {
    const body = {
      author: { name: 'Ann', color: '#34d399' },
      text: 'see attached',
      attachments: [
        { fileId: 'F1', key, name: 'a.png', type: 'image/png', size: 3, thumbnail: { fileId: 'F2', key, type: 'image/webp', width: 3, height: 2 } },
      ],
    };
    expect(decodeMessageBody(encodeMessageBody(body))).toEqual(body);
    expect(JSON.parse(new TextDecoder().decode(encodeMessageBody(body))).v).toBe(1);
  });

  it('refuses bodies without version, author or text, and attachments without key', () => {
    const author = { name: 'Ann', color: '#000000' };
    expect(() => decodeMessageBody(json({ author, text: 'x' }))).toThrow(/version/);
    expect(() => decodeMessageBody(json({ v: 1, text: 'x' }))).toThrow(/author/);
    expect(() => decodeMessageBody(json({ v: 1, author }))).toThrow(/text/);
    expect(() => decodeMessageBody(json({ v: 1, author, text: '', attachments: [{ fileId: 'F', size: 1 }] }))).toThrow(/key/);
  });

  it('defuses hostile names, types and colours', () => {
    const body = decodeMessageBody(
      json({
        v: 1,
        author: { name: ' Mallory ', color: 'red;x:url(y)' },
        text: '',
        attachments: [{ fileId: 'F', key, name: '../../etc/passwd\u0000', type: 'text/html<script>', size: 1, thumbnail: { fileId: 'F' } }],
      }),
    );
    expect(body.author).toEqual({ name: 'Mallory', color: '#9aa3b5' });
    expect(body.attachments[0]).toMatchObject({ name: '_.._etc_passwd_', type: 'application/octet-stream', thumbnail: null });
    expect(safeFileName('')).toBe('file');
  });
});
