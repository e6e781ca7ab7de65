// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerEditor } from '../editorBridge';
import { ChatMarkdown } from './ChatMarkdown';

afterEach(() => {
  cleanup();
  registerEditor(null);
});

describe('code blocks in chat', () => {
  it('offer Copy and Insert into editor, which inserts the block\'s code as written', () => {
    const insert = vi.fn();
    registerEditor({ insert });
    render(<ChatMarkdown text={'look:\n```python\nprint("hi")\nx = 1 < 2\n```'} />);
    fireEvent.click(screen.getByRole('button', { name: 'Insert into editor' }));
    expect(insert).toHaveBeenCalledWith('print("hi")\nx = 1 < 2');
    expect(screen.getByRole('status').textContent).toBe('Inserted');
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy();
  });

  it('say so when no editor is there to insert into', () => {
    render(<ChatMarkdown text={'```\nplain\n```'} />);
    fireEvent.click(screen.getByRole('button', { name: 'Insert into editor' }));
    expect(screen.getByRole('status').textContent).toBe('Open the code tab first');
  });

  it('leave inline code alone', () => {
    render(<ChatMarkdown text="run `npm test` now" />);
    expect(screen.queryByRole('button', { name: 'Copy' })).toBeNull();
  });
});
