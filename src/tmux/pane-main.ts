#!/usr/bin/env node
/**
 * What a viewport pane runs: the `loop logs <role> --follow` viewer, started without the CLI's
 * command table or the config loader, so a pane shows its role a fraction of a second after the
 * session opens even on a busy machine. argv: <config folder> <run> <role> [planner].
 */
import { runPaths } from '../util/paths.js';
import { runViewer } from './viewer.js';

const [configDir, runId, role, planner] = process.argv.slice(2);
if (!configDir || !runId || !role) {
  process.stderr.write('usage: pane-main.js <config folder> <run> <role> [planner]\n');
  process.exit(2);
}
runViewer({
  paths: runPaths(configDir, runId), subject: { role, planner: planner === 'planner' }, follow: true, pane: true,
  lastLines: null, color: true, out: process.stdout, input: process.stdin,
}).then((code) => process.exit(code));
