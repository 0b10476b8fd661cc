/**
 * Putting the user in a role's pane, zoomed: inside the same tmux server the current client is
 * switched to it; elsewhere (a plain terminal, or a tmux of another server) a tmux client attaches
 * to the run's session in this terminal until the user detaches.
 */
import { UserError } from '../util/errors.js';
import { exactSession, rolePanes, tmux, tmuxInteractive, tmuxRaw } from './tmux.js';

/** Selects and zooms the role's pane (unzooming another pane first); returns the pane id. */
export async function focusRolePane(session: string, role: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const pane = (await rolePanes(session, env)).get(role);
  if (pane === undefined) throw new UserError(`the viewport of this run (tmux session ${session}) has no pane for role ${role}`, 1);
  const [zoomed, active] = (await tmux(['display-message', '-p', '-t', pane, '#{window_zoomed_flag} #{pane_active}'], env)).split(' ');
  if (zoomed === '1' && active === '1') return pane;
  const commands = [
    ...(zoomed === '1' ? [['resize-pane', '-Z', '-t', pane]] : []),
    ['select-window', '-t', pane],
    ['select-pane', '-t', pane],
    ['resize-pane', '-Z', '-t', pane],
  ];
  await tmux(commands.flatMap((c, i) => (i === 0 ? c : [';', ...c])), env);
  return pane;
}

/** True when this process runs inside a pane of the server loop talks to (so switch-client can move its client). */
export async function insideSameServer(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const current = env['TMUX']?.split(',')[0];
  if (!current) return false;
  const result = await tmuxRaw(['display-message', '-p', '#{socket_path}'], env);
  return result.code === 0 && result.stdout.trim() === current;
}

/**
 * Moves the user to the role's pane: switch-client when already in this tmux server, else attach
 * in this terminal (resolves when the user detaches). Returns the tmux exit code.
 */
export async function attachToRole(session: string, role: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const pane = await focusRolePane(session, role, env);
  if (await insideSameServer(env)) {
    // from a pane no client shows (a detached session), there is nothing to switch: attach instead
    if ((await tmuxRaw(['switch-client', '-t', pane], env)).code === 0) return 0;
  }
  // a nested client (from a pane of another tmux server) needs TMUX unset, or tmux refuses
  const { TMUX: _inside, ...outside } = env;
  return tmuxInteractive(['attach-session', '-t', exactSession(session)], outside);
}
