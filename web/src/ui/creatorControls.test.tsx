import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ConfirmDialog } from './ConfirmDialog';
import { MemberItems } from './MembersPanel';
import { member } from './testMembers';
import { removalText } from './RemovalNotices';
import { RoomClosedPage } from './RoomClosedPage';

const members = [member('a', 'Ann', { isSelf: true, isCreator: true }), member('b', 'Bob'), member('c', 'Cat', { status: 'offline' })];
const textOf = (html: string) => html.replace(/<[^>]+>/g, '');
/** The text of each <li> and of each button in it, as a screen reader would name them. */
function items(html: string) {
  return [...html.matchAll(/<li[^>]*>(.*?)<\/li>/g)].map(([, li]) => ({
    text: textOf(li),
    buttons: [...li.matchAll(/<button[^>]*>(.*?)<\/button>/g)].map(([, b]) => textOf(b)),
  }));
}

describe('member list', () => {
  it('marks the creator for everyone and offers no kicking to others', () => {
    const list = items(renderToStaticMarkup(<MemberItems members={members} labelledBy="h" canKick={false} onKick={() => {}} />));
    expect(list.map((i) => i.text)).toEqual(['Ann (you) creator online', 'Bob online', 'Cat offline']);
    expect(list.flatMap((i) => i.buttons)).toEqual([]);
  });

  it('gives the creator a "Kick {name}" button on every other member', () => {
    const list = items(renderToStaticMarkup(<MemberItems members={members} labelledBy="h" canKick onKick={() => {}} />));
    expect(list.map((i) => i.buttons)).toEqual([[], ['Kick Bob'], ['Kick Cat']]);
  });
});

describe('confirmation dialog', () => {
  it('is a dialog named by its title, with the action and Cancel', () => {
    const html = renderToStaticMarkup(
      <ConfirmDialog title="Remove Bob?" confirmLabel="Kick" onConfirm={async () => {}} onClose={() => {}}>
        <p>Bob is disconnected.</p>
      </ConfirmDialog>,
    );
    const labelledBy = /<dialog[^>]*aria-labelledby="([^"]+)"/.exec(html)![1];
    expect(html).toContain(`<h2 id="${labelledBy}">Remove Bob?</h2>`);
    expect([...html.matchAll(/<button[^>]*>(.*?)<\/button>/g)].map(([, b]) => b)).toEqual(['Cancel', 'Kick']);
  });
});

describe('closed room pages', () => {
  it('say why the room is gone, with nothing of the room left', () => {
    const removed = renderToStaticMarkup(<RoomClosedPage reason="removed" />);
    expect(removed).toMatch(/<h1[^>]*>You were removed from this room<\/h1>/);
    const ended = renderToStaticMarkup(<RoomClosedPage reason="ended" />);
    expect(ended).toMatch(/<h1[^>]*>This session has ended<\/h1>/);
    expect(removed + ended).not.toMatch(/Code editor|Messages/);
  });

  it('announces removals by name', () => {
    expect(removalText('Bob')).toBe('Bob was removed');
    expect(removalText(null)).toBe('A member was removed');
  });
});
