/** `loop roles [--json] [name]`: the built-in SME disciplines, or one discipline's full prompt. */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { UserError } from '../../util/errors.js';
import { EXIT } from '../../util/exit-codes.js';
import { getDiscipline, listDisciplines, suggestDiscipline, type Discipline } from '../../roles/catalog.js';

export class RolesCommand extends LoopCommand {
  static override paths = [[`roles`]];
  static override usage = Command.Usage({
    description: 'list the built-in SME disciplines, or print one discipline\'s prompt',
    details: `
      Without a name, prints the 27 built-in disciplines: name, title, the provider type that fits the work best, and a one-line summary.

      With a name, prints that discipline's full system prompt. A role in \`loop.config.yaml\` inherits it with \`sme: <name>\`; the role's own \`responsibilities\` and \`guardrails\` are added after it.
    `,
    examples: [
      ['List the disciplines', '$0 roles'],
      ['Print the Database Engineer prompt', '$0 roles dba'],
      ['List the disciplines as JSON for a script', '$0 roles --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'print JSON instead of text' });
  name = Option.String({ required: false, name: 'name' });

  async run(): Promise<number> {
    const out = this.context.stdout;
    if (this.name === undefined) {
      const disciplines = listDisciplines();
      if (this.json) {
        const rows = disciplines.map(({ name, title, provider, summary }) => ({ name, title, provider, summary }));
        out.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        out.write(renderTable(disciplines, terminalWidth(out)));
      }
      return EXIT.ok;
    }
    const discipline = getDiscipline(this.name);
    if (!discipline) {
      const suggestion = suggestDiscipline(this.name);
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
      throw new UserError(`unknown discipline "${this.name}"${hint}; run "loop roles" to list them`, EXIT.usage);
    }
    out.write(this.json ? `${JSON.stringify(discipline, null, 2)}\n` : renderPrompt(discipline));
    return EXIT.ok;
  }
}

const HEADERS = ['NAME', 'TITLE', 'BEST FIT', 'SUMMARY'] as const;

/** A plain aligned table; the summary is cut to the terminal width only when writing to a terminal. */
export function renderTable(disciplines: readonly Discipline[], width: number | undefined): string {
  const rows = disciplines.map((d) => [d.name, d.title, d.provider, d.summary]);
  const widths = [0, 1, 2].map((i) => Math.max(HEADERS[i]!.length, ...rows.map((row) => row[i]!.length)));
  const lines = [[...HEADERS], ...rows].map((row) => {
    const fixed = row.slice(0, 3).map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
    const room = width === undefined ? Infinity : Math.max(20, width - fixed.length - 2);
    const summary = row[3]!.length > room ? `${row[3]!.slice(0, room - 1)}…` : row[3]!;
    return `${fixed}  ${summary}`.trimEnd();
  });
  return `${lines.join('\n')}\n\nShow one prompt with "loop roles <name>"; use it in loop.config.yaml with "sme: <name>".\n`;
}

function renderPrompt(d: Discipline): string {
  return `# ${d.title} (${d.name})\n\nBest-fit provider: ${d.provider}\n${d.summary}\n\n${d.prompt}\n`;
}

function terminalWidth(stream: NodeJS.WritableStream): number | undefined {
  const tty = stream as Partial<NodeJS.WriteStream>;
  return tty.isTTY && typeof tty.columns === 'number' ? tty.columns : undefined;
}
