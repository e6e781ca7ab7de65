// The proof-of-work captcha as the page uses it: fetch a challenge, solve it in a Web Worker (the
// page stays responsive), hand back the solution. docs/protocol.md, "Captcha".
import type { SolveProgress } from './proofOfWork';
import type { WorkerAnswer } from './captchaWorker';

export interface CaptchaSolution {
  challenge: string;
  nonce: string;
}

export type { SolveProgress };
export type Solver = (challenge: string, difficulty: number, onProgress?: (progress: SolveProgress) => void) => Promise<string>;

/** Counts in a Web Worker; a failure or a broken worker rejects, and the worker is gone either way. */
export const solveInWorker: Solver = (challenge, difficulty, onProgress) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./captchaWorker.ts', import.meta.url), { type: 'module' });
    const finish = (settle: () => void) => {
      worker.terminate();
      settle();
    };
    worker.onmessage = ({ data }: MessageEvent<WorkerAnswer>) => {
      if (data.kind === 'progress') onProgress?.(data);
      else if (data.kind === 'solved') finish(() => resolve(data.nonce));
      else finish(() => reject(new Error(`Could not check that you are human: ${data.message}`)));
    };
    worker.onerror = (event) => finish(() => reject(new Error(`Could not check that you are human: ${event.message}`)));
    worker.postMessage({ challenge, difficulty });
  });

/** Solves the server's current challenge; null when the server's captcha is off. */
export async function solveCaptcha(
  fetchImpl: typeof fetch,
  solver: Solver = solveInWorker,
  onProgress?: (progress: SolveProgress) => void,
): Promise<CaptchaSolution | null> {
  const response = await fetchImpl('/api/captcha', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`Could not get a captcha (HTTP ${response.status}).`);
  const body = (await response.json()) as Record<string, unknown>;
  if (body.enabled !== true) return null;
  const { challenge, difficulty } = body;
  if (typeof challenge !== 'string' || !challenge || typeof difficulty !== 'number') throw new Error('Malformed captcha from server');
  onProgress?.({ tries: 0, expected: 2 ** difficulty });
  return { challenge, nonce: await solver(challenge, difficulty, onProgress) };
}
