import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { MemberPresence } from '../chat/presence';
import { RoomMenuView } from './RoomMenu';
import { member } from './testMembers';

const textOf = (html: string) => html.replace(/<[^>]+>/g, '');
const buttons = (html: string) => [...html.matchAll(/<button[^>]*>(.*?)<\/button>/g)].map(([, b]) => textOf(b));
const escape = (id: string) => id.replace(/[^\w-]/g, '\\$&');

const members = [
  member('a', 'Ann', { isSelf: true, isCreator: true }),
  member('b', 'Bob', { status: 'away' }),
  member('c', 'Cat', { status: 'offline' }),
];
const fingerprints = new Map([
  ['a', '11111 22222 33333 44444 55555 66666'],
  ['b', '04213 99120 00017 63534 20901 77413'],
]);

function menu(isCreator: boolean, list: readonly MemberPresence[] = members) {
  return renderToStaticMarkup(
    <RoomMenuView
      roomId="R00m-id_22charsXXXXXXX"
      members={list}
      isCreator={isCreator}
      fingerprintOf={(m) => fingerprints.get(m.memberId) ?? null}
      kick={async () => {}}
      leave={async () => {}}
      settings={<p className="creator-only">the creator&apos;s settings</p>}
    />,
  );
}

/** The panel the "Room menu" button controls, checking the button says whether it is open. */
function panel(html: string): string {
  const button = /<button[^>]*class="menu-button"[^>]*>.*?<\/button>/.exec(html)?.[0];
  expect(button).toBeDefined();
  expect(textOf(button!)).toBe('☰Room menu');
  expect(button).toContain('aria-expanded="false"');
  const controls = /aria-controls="([^"]+)"/.exec(button!)![1];
  const open = new RegExp(`<div id="${escape(controls)}" role="group" aria-label="Room menu"[^>]*hidden=""[^>]*>`).exec(html);
  expect(open, 'a closed "Room menu" group with that id').not.toBeNull();
  return html.slice(open!.index);
}

/** Each member item's text, its buttons' names, and its fingerprint's label. */
function items(html: string) {
  return [...html.matchAll(/<li[^>]*>(.*?)<\/li>/g)].map(([, li]) => ({
    text: textOf(li.replace(/<code.*<\/code>/, '')),
    buttons: buttons(li),
    fingerprint: /<code[^>]*aria-label="([^"]+)"/.exec(li)?.[1] ?? null,
  }));
}

describe('the room menu', () => {
  it('is a "Room menu" button controlling a closed panel of the same name', () => {
    expect(panel(menu(false))).toContain('Members');
  });

  it('starts with the member count, then the "Members" list, the files, and the settings', () => {
    const html = panel(menu(true));
    expect(html).toMatch(/<h2><span id="[^"]+">Members<\/span> \(3\)<\/h2>/);
    const nameId = /<span id="([^"]+)">Members<\/span>/.exec(html)![1];
    const order = [
      html.indexOf('Members</span> (3)'),
      html.indexOf(`<ul aria-labelledby="${nameId}">`),
      html.indexOf('>Files</a>'),
      html.indexOf('>Room settings</h2>'),
    ];
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
  });

  it("lists each member's role, status and device fingerprint", () => {
    expect(items(menu(false))).toEqual([
      { text: 'Ann (you) creator online', buttons: [], fingerprint: 'Your fingerprint' },
      { text: 'Bob away', buttons: [], fingerprint: 'Fingerprint of Bob' },
      { text: 'Cat offline', buttons: [], fingerprint: null },
    ]);
  });

  it('counts whoever is listed', () => {
    expect(menu(false, members.slice(0, 1))).toMatch(/Members<\/span> \(1\)<\/h2>/);
  });

  it('links to the room\'s files', () => {
    expect(menu(false)).toContain('<a class="menu-link" href="/rooms/R00m-id_22charsXXXXXXX/files">Files</a>');
    expect(menu(true)).toContain('href="/rooms/R00m-id_22charsXXXXXXX/files"');
  });

  it('gives the creator "Kick {name}" on everyone else and the "Room settings" group, without "Leave room"', () => {
    const html = menu(true);
    expect(items(html).map((i) => i.buttons)).toEqual([[], ['Kick Bob'], ['Kick Cat']]);
    const group = /<div role="group" aria-labelledby="([^"]+)" class="room-settings"><h2 id="([^"]+)">Room settings<\/h2>(.*?)<\/div>/.exec(html);
    expect(group).not.toBeNull();
    expect(group![1]).toBe(group![2]);
    expect(group![3]).toContain('the creator&#x27;s settings');
    expect(buttons(html)).not.toContain('Leave room');
  });

  it('gives everyone else "Leave room", with no settings and no kicking', () => {
    const html = menu(false);
    expect(buttons(html)).toEqual(['☰Room menu', 'Leave room']);
    expect(html).not.toContain('Room settings');
    expect(html).not.toContain('the creator');
  });
});
