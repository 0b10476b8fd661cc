/** The sim critic: accepts, or rejects/answers garbage when its provider is told to. */
import type { SimConfig } from '../../../protocol/index.js';
import { behaviourFor } from './behaviour.js';

/** The critic's raw answer text, as a model would write it. */
export function simVerdictText(sim: SimConfig, taskId: string, attempt: number, acceptance: readonly string[]): string {
  const behaviour = behaviourFor(sim, taskId, attempt);
  if (behaviour === 'garbage') return 'I think it is probably fine?? <<no verdict>>';
  const reject = behaviour === 'reject' || behaviour === 'fail';
  const verdict = {
    verdict: reject ? 'reject' : 'accept',
    reasons: reject
      ? [`sim critic rejects attempt ${attempt} of ${taskId} (configured behaviour: ${behaviour})`]
      : [`sim critic: the change for ${taskId} meets its acceptance criteria`],
    notes: acceptance.map((criterion) => ({ criterion, met: !reject })),
  };
  return '```json\n' + JSON.stringify(verdict, null, 2) + '\n```';
}
