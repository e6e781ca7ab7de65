import { screen } from '@testing-library/react';
import { expect } from 'vitest';

/**
 * jsdom has <dialog> but not its methods. These open and close it and fire 'close', as the
 * browser does; what they leave out is the browser's own focus handling, which is what the
 * dialogs must not depend on. The end-to-end KeyboardTests check the real one.
 */
export function installDialogMethods(): void {
  const proto = HTMLDialogElement.prototype as HTMLDialogElement & { showModal?: () => void };
  if (typeof proto.showModal === 'function') return;
  proto.showModal = function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  proto.close = function (this: HTMLDialogElement) {
    if (!this.hasAttribute('open')) return;
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
}

/** A page that takes the room's place shows neither its editor nor its chat. */
export function expectNothingOfTheRoom(): void {
  expect(screen.queryByLabelText('Code editor')).toBeNull();
  expect(screen.queryByRole('log', { name: 'Messages' })).toBeNull();
  expect(document.body.textContent).not.toMatch(/Code editor|Messages/);
}
