#!/usr/bin/env node
/**
 * What a viewport pane runs: the `loop logs <role> --follow` viewer, started without the CLI's
 * command table or the config loader, so a pane shows its role a fraction of a second after the
 * session opens even on a busy machine. argv: <config folder> <run> <role> [--planner] [--no-bell]
 * [--kept=<session>] (`viewport: keep`: when the run ends, say how to close the view that stays).
 */
import { runPaths } from '../util/paths.js';
import { runViewer } from './viewer.js';

const [configDir, runId, role, ...flags] = process.argv.slice(2);
const kept = flags.find((f) => f.startsWith('--kept='))?.slice('--kept='.length);
if (!configDir || !runId || !role) {
  process.stderr.write('usage: pane-main.js <config folder> <run> <role> [--planner] [--no-bell] [--kept=<session>]\n');
  process.exit(2);
}
runViewer({
  paths: runPaths(configDir, runId), subject: { role, planner: flags.includes('--planner') }, follow: true, pane: true,
  bell: !flags.includes('--no-bell'), lastLines: null, color: true, out: process.stdout, input: process.stdin,
}).then((code) => {
  if (kept !== undefined && code === 0) process.stdout.write(`\n\x1b[2mrun finished; this view stays until you close it: tmux kill-session -t ${kept}\x1b[0m\n`);
  process.exit(code);
});
