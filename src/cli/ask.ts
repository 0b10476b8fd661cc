/** A yes/no question on the terminal, or null when there is none to ask on (never waits then). */
import { createInterface } from 'node:readline';

export function terminalQuestion(stdin: NodeJS.ReadableStream, stderr: NodeJS.WritableStream): ((question: string) => Promise<boolean>) | null {
  if (!(stdin as { isTTY?: boolean }).isTTY || !(stderr as { isTTY?: boolean }).isTTY) return null;
  return (question) =>
    new Promise((resolve) => {
      const rl = createInterface({ input: stdin, output: stderr });
      const answer = (yes: boolean): void => {
        rl.close();
        resolve(yes);
      };
      // Ctrl-C at the prompt is a no (readline would otherwise just pause and wait forever).
      rl.on('SIGINT', () => answer(false));
      rl.question(question, (text) => answer(/^\s*y(es)?\s*$/i.test(text)));
    });
}
