// Accounts over HTTP (docs/protocol.md, "Accounts"): who this browser is signed in as, and
// register, sign in and sign out. The account cookie is HttpOnly; what the page holds is the
// antiforgery token, which every POST sends back so that no other site can post as this browser.
import { Value } from '../state/value';
import { REFUSAL_WORDS } from '../wire/refusalWords';
import { problemCodeOf, type RefusalCode } from '../wire/refusals';
import { readAbilities, type Abilities } from './abilities';
import { solveCaptcha, solveInWorker, type CaptchaSolution, type Solver, type SolveProgress } from './captcha';

export const ANTIFORGERY_HEADER = 'X-Parley-Antiforgery';

export interface AccountState {
  signedIn: boolean;
  userName: string | null;
  abilities: Abilities;
  antiforgeryToken: string;
}

/** What `POST /api/rooms` needs: the token from a signed-in browser, a solved captcha from a guest's. */
export interface RoomCreationProof {
  headers: Record<string, string>;
  captcha: CaptchaSolution | null;
}

export class AccountError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The ProblemDetails `code`; null when the answer carried none this client knows. */
    readonly code: RefusalCode | null = null,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

export function readAccountState(value: unknown): AccountState {
  const m = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof m.signedIn !== 'boolean' || typeof m.antiforgeryToken !== 'string' || !m.antiforgeryToken)
    throw new Error('Malformed account state from server');
  const signedIn = m.signedIn;
  if (signedIn && typeof m.userName !== 'string') throw new Error('Malformed account state from server: userName');
  return {
    signedIn,
    userName: signedIn ? (m.userName as string) : null,
    abilities: readAbilities(m.abilities),
    antiforgeryToken: m.antiforgeryToken,
  };
}

/** A refused request's words and code: the client's sentence for a known ProblemDetails code, else the server's own words, else the status. */
export async function readProblem(response: Response, fallback: string): Promise<{ text: string; code: RefusalCode | null }> {
  let problem: { detail?: unknown; title?: unknown } = {};
  try {
    problem = ((await response.json()) ?? {}) as typeof problem;
  } catch {
    // not JSON: the fallback says enough
  }
  const code = problemCodeOf(problem);
  const known = code && REFUSAL_WORDS[code];
  if (known) return { text: known, code };
  if (typeof problem.detail === 'string' && problem.detail) return { text: problem.detail, code };
  if (typeof problem.title === 'string' && problem.title) return { text: problem.title, code };
  return { text: `${fallback} (HTTP ${response.status}).`, code };
}

/** The words of a refused request (see readProblem). */
export const problemText = async (response: Response, fallback: string) => (await readProblem(response, fallback)).text;

async function refused(response: Response, fallback: string): Promise<AccountError> {
  const { text, code } = await readProblem(response, fallback);
  return new AccountError(text, response.status, code);
}

export interface AccountClientOptions {
  fetch?: typeof fetch;
  solver?: Solver;
}

export class AccountClient {
  /** Null until the first answer from the server. */
  readonly state = new Value<AccountState | null>(null);
  private loading: Promise<AccountState> | null = null;
  private readonly fetch: typeof fetch;
  private readonly solver: Solver;

  constructor(options: AccountClientOptions = {}) {
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.solver = options.solver ?? solveInWorker;
  }

  /** The state, asked of the server once (and again after a failure). */
  load(): Promise<AccountState> {
    this.loading ??= this.refresh().catch((error: unknown) => {
      this.loading = null;
      throw error;
    });
    return this.loading;
  }

  /** GET /api/account: who this browser is, and a fresh antiforgery token. */
  async refresh(): Promise<AccountState> {
    const response = await this.fetch('/api/account', { headers: { accept: 'application/json' } });
    if (!response.ok) throw await refused(response, 'Could not reach the server');
    return this.keep(await response.json());
  }

  /** Solves the captcha first (in a worker; `onProgress` hears about it), then registers and signs in. */
  async register(userName: string, password: string, onProgress?: (progress: SolveProgress) => void): Promise<AccountState> {
    await this.load();
    const captcha = await solveCaptcha(this.fetch, this.solver, onProgress);
    return this.post('/api/account/register', { userName, password, ...(captcha && { captcha }) });
  }

  signIn(userName: string, password: string): Promise<AccountState> {
    return this.post('/api/account/signin', { userName, password });
  }

  signOut(): Promise<AccountState> {
    return this.post('/api/account/signout', null);
  }

  /** A signed-in browser proves it is this page; a guest's proves it did the captcha's work. */
  async roomCreationProof(onProgress?: (progress: SolveProgress) => void): Promise<RoomCreationProof> {
    const state = await this.load();
    if (state.signedIn) return { headers: { [ANTIFORGERY_HEADER]: state.antiforgeryToken }, captcha: null };
    return { headers: {}, captcha: await solveCaptcha(this.fetch, this.solver, onProgress) };
  }

  private async post(path: string, body: unknown): Promise<AccountState> {
    const { antiforgeryToken } = await this.load();
    const response = await this.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ANTIFORGERY_HEADER]: antiforgeryToken },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await refused(response, 'The server refused');
    // Each change of user comes with a token made for the new one.
    return this.keep(await response.json());
  }

  private keep(value: unknown): AccountState {
    const state = readAccountState(value);
    this.loading = Promise.resolve(state);
    this.state.set(state);
    return state;
  }
}

/** This page's account. */
export const account = new AccountClient();
