// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JoinRequestItems } from './JoinRequests';
import { WaitingPage } from './LobbyPages';
import { RoomClosedPage } from './RoomClosedPage';
import { expectNothingOfTheRoom } from './testDom';

afterEach(cleanup);

const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;

describe('the lobby pages', () => {
  it('say the browser waits for the host, with nothing of the room', () => {
    render(<WaitingPage />);
    const heading = screen.getByRole('heading', { level: 1, name: 'Waiting for the host to let you in' });
    expect(document.activeElement).toBe(heading);
    expect(screen.queryAllByRole('button')).toEqual([]);
    expectNothingOfTheRoom();
  });

  it('say when the host did not let the browser in', () => {
    render(<RoomClosedPage reason="refused" />);
    expect(screen.getByRole('heading', { level: 1, name: 'The host did not let you in' })).toBeTruthy();
    expectNothingOfTheRoom();
  });
});

describe('join requests', () => {
  const requests = [
    { memberId: 'm2', name: 'Guest Otter', color: '#34d399' },
    { memberId: 'm3', name: 'Someone', color: null },
  ];
  const names = ['Admit Guest Otter', 'Refuse Guest Otter', 'Admit Someone', 'Refuse Someone'];

  it('name each button after the person it decides on', () => {
    const onDecide = vi.fn();
    render(<JoinRequestItems requests={requests} deciding={new Set()} onDecide={onDecide} />);
    expect(screen.getAllByRole('button')).toEqual(names.map(button));
    expect(names.map(button).filter((b) => b.disabled)).toEqual([]);

    fireEvent.click(button('Admit Guest Otter'));
    fireEvent.click(button('Refuse Someone'));
    expect(onDecide.mock.calls).toEqual([
      ['m2', true],
      ['m3', false],
    ]);
  });

  it('hold both buttons while a decision is on its way', () => {
    render(<JoinRequestItems requests={requests} deciding={new Set(['m3'])} onDecide={() => {}} />);
    expect(names.map((name) => button(name).disabled)).toEqual([false, false, true, true]);
  });
});
