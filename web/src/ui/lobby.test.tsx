import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { JoinRequestItems } from './JoinRequests';
import { WaitingPage } from './LobbyPages';
import { RoomClosedPage } from './RoomClosedPage';

const textOf = (html: string) => html.replace(/<[^>]+>/g, '');
const buttons = (html: string) => [...html.matchAll(/<button[^>]*>(.*?)<\/button>/g)].map(([, b]) => textOf(b));

describe('the lobby pages', () => {
  it('say the browser waits for the host, with nothing of the room', () => {
    const html = renderToStaticMarkup(<WaitingPage />);
    expect(html).toMatch(/<h1[^>]*>Waiting for the host to let you in<\/h1>/);
    expect(html).not.toMatch(/Code editor|Messages|<button/);
  });

  it('say when the host did not let the browser in', () => {
    const html = renderToStaticMarkup(<RoomClosedPage reason="refused" />);
    expect(html).toMatch(/<h1[^>]*>The host did not let you in<\/h1>/);
    expect(html).not.toMatch(/Code editor|Messages/);
  });
});

describe('join requests', () => {
  const requests = [
    { memberId: 'm2', name: 'Guest Otter', color: '#34d399' },
    { memberId: 'm3', name: 'Someone', color: null },
  ];

  it('name each button after the person it decides on', () => {
    const html = renderToStaticMarkup(<JoinRequestItems requests={requests} deciding={new Set()} onDecide={() => {}} />);
    expect(buttons(html)).toEqual(['Admit Guest Otter', 'Refuse Guest Otter', 'Admit Someone', 'Refuse Someone']);
    expect(html).not.toContain('disabled');
  });

  it('hold both buttons while a decision is on its way', () => {
    const html = renderToStaticMarkup(<JoinRequestItems requests={requests} deciding={new Set(['m3'])} onDecide={() => {}} />);
    expect(html.match(/disabled=""/g)).toHaveLength(2);
  });
});
