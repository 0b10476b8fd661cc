/** piscina worker: counts lines for one chunk of paths (see count-lines.ts). */
import { countLines, type CountResult, type CountTask } from './count-lines.js';

export default function countChunk(task: CountTask): CountResult {
  return countLines(task);
}
