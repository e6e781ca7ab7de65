import { hubMessage, refusalCodeOf, type RefusalCode } from '../refusals';

/**
 * A refusal as the SignalR client hands on the server's: the coded message, built as the server
 * builds it, inside the client's wrapping. The fakes refuse only this way, so the code a test
 * sees is one `refusals.json` lists.
 */
export const hubRefusal = (method: string, code: RefusalCode, text: string) =>
  new Error(`An unexpected error occurred invoking '${method}' on the server. HubException: ${hubMessage(code, text)}`);

/** The refusal code a call was refused with (null for an error without one); fails when it went through. */
export async function refusalCodeOfCall(work: Promise<unknown>): Promise<RefusalCode | null> {
  try {
    await work;
  } catch (error) {
    return refusalCodeOf(error);
  }
  throw new Error('The call went through; a refusal was expected');
}
