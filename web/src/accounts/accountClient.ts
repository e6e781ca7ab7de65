// Accounts over HTTP (docs/protocol.md, "Accounts"): who this browser is signed in as, and
// register, sign in and sign out. The account cookie is HttpOnly; what the page holds is the
// antiforgery token, which every POST sends back so that no other site can post as this browser.
import { Value } from '../sync/value';
import { GUEST, readAbilities, type Abilities } from './abilities';
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
    abilities: m.abilities == null ? GUEST : readAbilities(m.abilities),
    antiforgeryToken: m.antiforgeryToken,
  };
}

/** The server's own words from a ProblemDetails answer, else a plain description of the status. */
export async function problemText(response: Response, fallback: string): Promise<string> {
  try {
    const problem = (await response.json()) as { detail?: unknown; title?: unknown };
    if (typeof problem.detail === 'string' && problem.detail) return problem.detail;
    if (typeof problem.title === 'string' && problem.title) return problem.title;
  } catch {
    // not JSON: the fallback says enough
  }
  return `${fallback} (HTTP ${response.status}).`;
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
    if (!response.ok) throw new AccountError(await problemText(response, 'Could not reach the server'), response.status);
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
    if (!response.ok) throw new AccountError(await problemText(response, 'The server refused'), response.status);
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
