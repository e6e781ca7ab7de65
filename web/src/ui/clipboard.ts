/** Copies text and says how it went, in words for the person (the browser may refuse the clipboard). */
export async function copyText(text: string, done: string): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return done;
  } catch {
    return 'Copy failed: the browser blocked the clipboard';
  }
}
