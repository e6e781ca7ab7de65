// Web Worker entry: solves one challenge, telling the page how far along it is.
import { solve, type SolveProgress } from './proofOfWork';

export interface WorkerRequest {
  challenge: string;
  difficulty: number;
}

export type WorkerAnswer = ({ kind: 'progress' } & SolveProgress) | { kind: 'solved'; nonce: string } | { kind: 'failed'; message: string };

// The DOM library types `self` as a window; in a worker postMessage takes just the message.
const scope = self as unknown as { postMessage(answer: WorkerAnswer): void; onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null };

scope.onmessage = ({ data }) => {
  try {
    const nonce = solve(data.challenge, data.difficulty, (progress) => scope.postMessage({ kind: 'progress', ...progress }));
    scope.postMessage({ kind: 'solved', nonce });
  } catch (error) {
    scope.postMessage({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
};
