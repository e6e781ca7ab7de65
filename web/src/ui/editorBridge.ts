// The room's editor, for the chat's code blocks ("Insert into editor"): CodeEditor registers the
// Monaco editor it shows, and an insertion goes through Monaco, so the undo stack, the cursor and
// the Yjs binding see an ordinary edit. Kept apart from Monaco's module so chat code (and its
// tests) can call it without loading the editor.

export interface InsertTarget {
  /** Inserts at the person's cursor (replacing a selection) and puts the focus in the editor. */
  insert(text: string): void;
}

let target: InsertTarget | null = null;

export function registerEditor(editor: InsertTarget | null): void {
  target = editor;
}

/** False when no editor shows (the phone's chat tab shows one too: it stays mounted). */
export function insertIntoEditor(text: string): boolean {
  if (!target) return false;
  target.insert(text);
  return true;
}
