/**
 * The agent's transcript file (`.loop/runs/<run>/logs/<task>.<attempt>.log`), written as output
 * arrives so `loop tail` and the tmux panes show it live. stdout lines are kept verbatim (JSONL for
 * the structured CLIs); stderr lines carry a prefix so the two stay apart when interleaved.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { STDERR_PREFIX } from '../../protocol/transcript.js';
import type { Invocation } from './types.js';
/** A line longer than this (a progress bar without newlines) is written out without waiting for its end. */
const MAX_PENDING_CHARS = 64 * 1024;
const MAX_ARG_SHOWN = 300;

export class Transcript {
  private readonly file: WriteStream;
  private readonly pending = { stdout: '', stderr: '' };

  constructor(path: string, invocation: Invocation) {
    mkdirSync(dirname(path), { recursive: true });
    this.file = createWriteStream(path, { flags: 'a' });
    this.file.on('error', () => {}); // a full disk must not take the agent call down with it
    const stdin = invocation.stdin === null ? '/dev/null' : `${Buffer.byteLength(invocation.stdin.text)} bytes written, then closed`;
    this.file.write(
      `# loop agent transcript ${new Date().toISOString()}\n` +
        `# cwd: ${invocation.cwd}\n` +
        `# argv: ${[invocation.command, ...invocation.args].map(showArg).join(' ')}\n` +
        `# stdin: ${stdin}\n`,
    );
  }

  write(stream: 'stdout' | 'stderr', chunk: string): void {
    const text = this.pending[stream] + chunk;
    const end = text.lastIndexOf('\n');
    if (end === -1 && text.length < MAX_PENDING_CHARS) {
      this.pending[stream] = text;
      return;
    }
    const complete = end === -1 ? text : text.slice(0, end);
    this.pending[stream] = end === -1 ? '' : text.slice(end + 1);
    this.emit(stream, complete);
  }

  note(line: string): void {
    this.file.write(`# ${line}\n`);
  }

  /** Flushes partial lines, writes the footer and resolves once everything is on disk. */
  close(footer: string): Promise<void> {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.pending[stream] !== '') this.emit(stream, this.pending[stream]);
      this.pending[stream] = '';
    }
    return new Promise((resolve) => this.file.end(`# ${footer}\n`, () => resolve()));
  }

  private emit(stream: 'stdout' | 'stderr', text: string): void {
    const lines = text.split('\n');
    this.file.write(stream === 'stdout' ? `${text}\n` : lines.map((line) => `${STDERR_PREFIX}${line}\n`).join(''));
  }
}

/** Shell-like quoting for reading, with the prompt's bulk elided (the prompt file holds all of it). */
function showArg(arg: string): string {
  // one header line per field: a prompt's newlines are shown, not written
  const shown = (arg.length > MAX_ARG_SHOWN ? `${arg.slice(0, 80)}…(${arg.length} chars)` : arg).replace(/\r?\n/g, '⏎');
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}
