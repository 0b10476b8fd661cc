/**
 * The run's viewport: tmux session `<namespace>-<project>-<run>` with one pane per role, titled
 * `role · title · provider`, each running the `loop logs <role> --follow` viewer (pane-main.ts):
 * the role's live transcript and verdicts. It is a view only: the run never waits on it and never
 * types into it, and it is killed when the run ends unless `loop.viewport: keep` (then its panes
 * stay, read-only). A takeover swaps a pane's viewer for the user's CLI and back.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoopConfig } from '../../protocol/index.js';
import { configArg, type LoadedConfig } from '../config/load.js';
import { providerForRun } from '../run/team.js';
import { plannerRole } from '../config/team.js';
import { envArgs, exactSession, killSession, serverArgs, sessionName, tmux, tmuxInstalled } from './tmux.js';
import { shellQuote } from '../util/shell-quote.js';

export type ViewportSetting = LoopConfig['loop']['viewport'];

const PANE_MAIN = fileURLToPath(new URL('./pane-main.js', import.meta.url));

export interface ViewportChoice {
  open: boolean;
  keep: boolean;
  /** The one line the run prints about it. */
  note: string;
}

/**
 * Whether the run opens its viewport. `--tmux`/`--no-tmux` win over the config; `auto` opens it
 * for a run with a terminal or a detached run (which is watched later), and never for a piped run
 * (CI, scripts, tests), which would otherwise start tmux servers nobody looks at.
 */
export function chooseViewport(o: { setting: ViewportSetting; flag: boolean | undefined; terminal: boolean; detached: boolean; installed: boolean }): ViewportChoice {
  const keep = o.setting === 'keep';
  const why = 'headless; `loop logs <role> --follow` shows what an agent does';
  if (o.flag === false) return { open: false, keep, note: `viewport: off (--no-tmux); ${why}` };
  if (o.flag === undefined && o.setting === 'off') return { open: false, keep, note: `viewport: off (loop.viewport: off); ${why}` };
  if (!o.installed) return { open: false, keep, note: `viewport: tmux is not installed; ${why}` };
  if (o.flag === undefined && !o.terminal && !o.detached) return { open: false, keep, note: `viewport: not a terminal; ${why} (--tmux opens the panes anyway)` };
  return { open: true, keep, note: '' };
}

export const runSessionName = (loaded: LoadedConfig, runId: string): string =>
  sessionName([loaded.config.defaults.namespace, loaded.config.project ?? basename(loaded.dir), runId]);

export interface Viewport {
  readonly session: string;
  /**
   * Replaces the role's viewer with `argv` (a person's interactive CLI: `loop attach --takeover`),
   * in `cwd`, with `env` laid over the server's environment; when it exits its status is written
   * to `exitFile` (the run watches for it) and the pane shows the viewer again.
   */
  runInPane(role: string, o: { argv: readonly string[]; cwd: string; env: NodeJS.ProcessEnv; exitFile: string }): Promise<void>;
  /** Puts the role's viewer back (after a takeover, or when one is abandoned). */
  restoreViewer(role: string): Promise<void>;
  /** Kills the session, unless it is kept. */
  close(): Promise<void>;
}

/**
 * The command that runs in a takeover pane: the CLI, then its exit status written atomically to
 * the exit file (also when the pane is killed: SIGHUP), then the role's viewer again.
 */
const TAKEOVER_SCRIPT = [
  'exit_file=$1; shift; viewer=$1; shift',
  'trap \'echo 129 > "$exit_file.tmp"; mv "$exit_file.tmp" "$exit_file"; exit 129\' HUP TERM',
  '"$@"; status=$?',
  'trap - HUP TERM',
  'echo $status > "$exit_file.tmp"; mv "$exit_file.tmp" "$exit_file"',
  'exec sh -c "$viewer"',
].join('\n');

/** Opens the session, replacing one of the same name (a resumed run's, or a kept one). */
export async function openViewport(o: { loaded: LoadedConfig; runId: string; mode: 'dry-run' | 'execute'; keep: boolean; env?: NodeJS.ProcessEnv }): Promise<Viewport> {
  const env = o.env ?? process.env;
  if (!tmuxInstalled(env)) throw new Error('tmux is not installed');
  const session = runSessionName(o.loaded, o.runId);
  const config = o.loaded.config;
  await killSession(session, env);
  const panes: { role: string; id: string; title: string }[] = [];
  const target = exactSession(session);
  const viewerOf = (role: string): string[] => viewerCommand(o.loaded, o.runId, role, o.keep ? target : null);
  for (const role of config.roles) {
    const command = viewerOf(role.name);
    const where = panes.length === 0
      ? ['new-session', '-d', '-s', session, '-n', 'team', '-x', '200', '-y', '50']
      : ['split-window', '-d', '-t', panes.at(-1)!.id]; // after the last one: the panes keep the config's order
    const id = await tmux([...where, '-c', o.loaded.dir, '-P', '-F', '#{pane_id}', ...command], env);
    if (panes.length > 0) await tmux(['select-layout', '-t', panes[0]!.id, 'tiled'], env);
    const provider = providerForRun(config, role, o.mode);
    const used = provider.config.type === 'sim' && o.mode === 'dry-run' && config.providers[provider.key]?.type !== 'sim' ? `${provider.key} (dry-run: sim)` : provider.key;
    panes.push({ role: role.name, id, title: [role.name, role.title, used].filter(Boolean).join(' · ') });
  }
  const settings: string[][] = [
    ['set-option', '-t', target, 'pane-border-status', 'top'],
    ['set-option', '-t', target, 'pane-border-format', ' #{?pane_active,#[bold],}#{pane_title}#[default] '],
    ['set-option', '-t', target, 'status-left', '#[bold] loop #[default]#{session_name} '],
    ['set-option', '-t', target, 'status-left-length', '60'],
    ['set-option', '-t', target, 'status-right', ' attach a role: loop attach <role> · detach: prefix d '],
    ['set-option', '-t', target, 'status-right-length', '60'],
    ['set-option', '-w', '-t', panes[0]!.id, 'allow-rename', 'off'],
    ['set-option', '-w', '-t', panes[0]!.id, 'automatic-rename', 'off'],
    ...(o.keep ? [
      ['set-option', '-w', '-t', panes[0]!.id, 'remain-on-exit', 'on'],
      // The viewer says how to close the view itself (--kept): tmux draws this format only once it
      // has reaped the pane's process, which a loaded tmux 3.3 server was seen not to do for seconds.
      ['set-option', '-w', '-t', panes[0]!.id, 'remain-on-exit-format', ''],
    ] : []),
    ...panes.flatMap((pane) => [
      ['select-pane', '-t', pane.id, '-T', pane.title],
      ['set-option', '-p', '-t', pane.id, '@loop-role', pane.role],
    ]),
  ];
  await tmux(settings.flatMap((command, i) => (i === 0 ? command : [';', ...command])), env);
  const byRole = new Map(panes.map((p) => [p.role, p.id]));
  const paneOf = (role: string): string => {
    const pane = byRole.get(role);
    if (pane === undefined) throw new Error(`the viewport has no pane for role ${role}`);
    return pane;
  };
  return {
    session,
    runInPane: async (role, run) => {
      const viewer = viewerOf(role).map(shellQuote).join(' ');
      await tmux(['respawn-pane', '-k', '-t', paneOf(role), '-c', run.cwd, ...envArgs(run.env), 'sh', '-c', TAKEOVER_SCRIPT, 'loop-takeover', run.exitFile, viewer, ...run.argv], env);
    },
    restoreViewer: async (role) => {
      await tmux(['respawn-pane', '-k', '-t', paneOf(role), '-c', o.loaded.dir, ...viewerOf(role)], env);
    },
    close: async () => {
      if (!o.keep) await killSession(session, env);
    },
  };
}

/** A pane's viewer: `loop logs <role> --follow` through its light entry point (pane-main.ts). */
function viewerCommand(loaded: LoadedConfig, runId: string, role: string, kept: string | null): string[] {
  // no NODE_EXTRA_CA_CERTS: a viewer makes no TLS connection, and parsing the bundle costs every pane start
  const flags = [
    ...(plannerRole(loaded.config)?.name === role ? ['--planner'] : []), ...(loaded.config.loop.notify.bell ? [] : ['--no-bell']),
    ...(kept === null ? [] : [`--kept=${kept}`]),
  ];
  return ['env', '-u', 'NODE_EXTRA_CA_CERTS', process.execPath, PANE_MAIN, loaded.dir, runId, role, ...flags];
}

/** The line a run prints once its viewport is open. */
export function viewportNote(loaded: LoadedConfig, session: string, runId: string, firstRole: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const direct = ['tmux', ...serverArgs(env), 'attach', '-t', exactSession(session)].map(shellQuote).join(' ');
  return `viewport: tmux session ${session} · watch a role: loop attach ${firstRole ?? '<role>'} --run ${runId}${configArg(loaded)} · all panes: ${direct}`;
}
