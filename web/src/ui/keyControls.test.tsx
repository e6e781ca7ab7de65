import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { KeyWaitPage } from './LobbyPages';
import { MemberItems } from './MembersPanel';
import { member } from './testMembers';
import { RoomClosedPage } from './RoomClosedPage';
import { HistoryCheckbox, LeaveRoomButton, RenameRoomForm, RenewLinkButton } from './RoomControls';

const textOf = (html: string) => html.replace(/<[^>]+>/g, '');
const buttons = (html: string) => [...html.matchAll(/<button[^>]*>(.*?)<\/button>/g)].map(([, b]) => textOf(b));

/** The element an aria-label names, and its text. */
function labelled(html: string, label: string): { tag: string; text: string } | null {
  const match = new RegExp(`<(\\w+)[^>]*aria-label="${label}"[^>]*>(.*?)</\\1>`).exec(html);
  return match ? { tag: match[1], text: textOf(match[2]) } : null;
}

describe('fingerprints in the member list', () => {
  const fingerprints = new Map([
    ['a', '11111 22222 33333 44444 55555 66666'],
    ['b', '04213 99120 00017 63534 20901 77413'],
  ]);
  const members = [member('a', 'Ann', { isSelf: true }), member('b', 'Bob'), member('c', 'Cat')];
  const html = renderToStaticMarkup(
    <MemberItems members={members} labelledBy="h" canKick={false} onKick={() => {}} fingerprintOf={(m) => fingerprints.get(m.memberId) ?? null} />,
  );

  it("name each member's fingerprint after the member, and this device's as yours", () => {
    expect(labelled(html, 'Your fingerprint')).toEqual({ tag: 'code', text: '11111 22222 33333 44444 55555 66666' });
    expect(labelled(html, 'Fingerprint of Bob')).toEqual({ tag: 'code', text: '04213 99120 00017 63534 20901 77413' });
  });

  it('show nothing for a member whose keys this browser has not seen', () => {
    expect(labelled(html, 'Fingerprint of Cat')).toBeNull();
  });
});

describe("the creator's key settings", () => {
  it('rename the room through a "Room name" field and a "Save name" button', () => {
    const html = renderToStaticMarkup(<RenameRoomForm name="Friday pairing" canName onSave={async () => {}} />);
    const forId = /<label for="([^"]+)">Room name<\/label>/.exec(html)?.[1];
    expect(forId).toBeDefined();
    expect(html).toMatch(new RegExp(`<input id="${forId!.replace(/[^\w-]/g, '\\$&')}" type="text" maxLength="80"[^>]*value="Friday pairing"`));
    expect(buttons(html)).toEqual(['Save name']);
    expect(html).not.toContain('disabled');
    expect(html).not.toContain('Sign in to name this room');
  });

  it('keep renaming disabled, saying why, without the naming ability', () => {
    const html = renderToStaticMarkup(<RenameRoomForm name="" canName={false} onSave={async () => {}} />);
    expect(html.match(/disabled=""/g)).toHaveLength(2);
    const hintId = /<span id="([^"]+)" class="hint">Sign in to name this room<\/span>/.exec(html)?.[1];
    expect(hintId).toBeDefined();
    expect(html).toMatch(new RegExp(`<button type="submit" disabled=""[^>]*aria-describedby="${hintId!.replace(/[^\w-]/g, '\\$&')}"`));
  });

  it('show history visibility as a labelled checkbox', () => {
    const on = renderToStaticMarkup(<HistoryCheckbox visible busy={false} onChange={() => {}} />);
    expect(on).toBe('<label class="setting"><input type="checkbox" checked=""/>History visible to new members</label>');
    const off = renderToStaticMarkup(<HistoryCheckbox visible={false} busy onChange={() => {}} />);
    expect(off).not.toContain('checked');
    expect(off).toContain('disabled');
  });

  it('offer "Renew invite link", and members "Leave room", each asking first', () => {
    expect(renderToStaticMarkup(<RenewLinkButton onRenew={async () => {}} />)).toBe(
      '<button type="button" aria-haspopup="dialog">Renew invite link</button>',
    );
    expect(renderToStaticMarkup(<LeaveRoomButton onLeave={async () => {}} />)).toBe(
      '<button type="button" class="danger" aria-haspopup="dialog">Leave room</button>',
    );
  });
});

describe('pages without the room', () => {
  it('say a joiner waits for a member to share the keys, with nothing of the room', () => {
    const html = renderToStaticMarkup(<KeyWaitPage />);
    expect(html).toMatch(/<h1[^>]*>Waiting for a member to share the room&#x27;s keys<\/h1>/);
    expect(html).not.toMatch(/Code editor|Messages|<button/);
  });

  it('say the person left', () => {
    const html = renderToStaticMarkup(<RoomClosedPage reason="left" />);
    expect(html).toMatch(/<h1[^>]*>You left this room<\/h1>/);
    expect(html).not.toMatch(/Code editor|Messages/);
  });
});
