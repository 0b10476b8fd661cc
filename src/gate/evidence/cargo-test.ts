/** cargo test: `---- name stdout ----` sections holding the panic message. */
import { cleanMessage, type FailedTest } from './types.js';

export function parseCargoTest(output: string): FailedTest[] {
  const lines = output.split('\n');
  const failures: FailedTest[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^---- (.+?) stdout ----$/.exec(lines[i]!);
    if (!head) continue;
    const body: string[] = [];
    let inBacktrace = false;
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!;
      if (/^---- .+ stdout ----$/.test(next) || /^(failures|successes):$/.test(next)) break;
      if (/^stack backtrace:/.test(next)) inBacktrace = true;
      else if (inBacktrace && !/^\s/.test(next)) inBacktrace = false;
      if (inBacktrace || /^note: /.test(next)) continue;
      body.push(next.replace(/^thread '([^']+)' \(\d+\) panicked/, "thread '$1' panicked"));
    }
    failures.push({ name: head[1]!, message: cleanMessage(body) });
  }
  return failures;
}
