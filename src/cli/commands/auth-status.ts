/** `loop auth status`: which provider CLIs are installed and logged in, from the caller's PATH. */
import { homedir } from 'node:os';
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig, searchConfigFile, displayPath, type LoadedConfig } from '../../config/load.js';
import { checkProviders, targetsFromConfig } from '../../auth/status.js';
import { renderStatusTable } from '../../auth/render.js';
import { EXIT } from '../../util/exit-codes.js';

export class AuthStatusCommand extends LoopCommand {
  static override paths = [[`auth`, `status`]];
  static override usage = Command.Usage({
    description: 'show which provider CLIs are installed and logged in',
    details: `
      For every provider in loop.config.yaml (or claude, codex and gemini when there is no
      config), finds its CLI on your PATH, asks its version, and looks for credentials: API-key
      variables by name (their values are never read or shown) and stored logins. A provider is
      ready when its CLI is found and some credential is present; the line says what to do
      otherwise. \`sim\` is always ready.
    `,
    examples: [
      [`Check the providers of this project`, `$0 auth status`],
      [`Machine-readable, for another config`, `$0 auth status --json -c ~/work/team/loop.config.yaml`],
    ],
  });

  config = Option.String(`-c,--config`, { description: `Config file (default: loop.config.yaml here or in a parent folder)` });
  json = Option.Boolean(`--json`, false, { description: `Print {config, providers: [...]} as JSON` });

  async run(): Promise<number> {
    const cwd = process.cwd();
    const loaded = await loadIfPresent(cwd, this.config);
    const statuses = await checkProviders(targetsFromConfig(loaded?.config ?? null), { env: process.env, cwd: loaded?.dir ?? cwd });
    if (this.json) {
      this.context.stdout.write(`${JSON.stringify({ config: loaded?.file ?? null, providers: statuses }, null, 2)}\n`);
      return EXIT.ok;
    }
    const lines = renderStatusTable(statuses, process.env['HOME'] ?? homedir());
    if (!loaded) lines.unshift('no loop.config.yaml here or in a parent folder; showing claude, codex and gemini (run `loop init` to create a config)');
    else lines.unshift(`providers in ${displayPath(loaded.file, cwd)}:`);
    this.context.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  }
}

/** The config when one is given or found; null when none exists (a missing `-c` file is an error). */
export async function loadIfPresent(cwd: string, configFile: string | undefined): Promise<LoadedConfig | null> {
  if (configFile === undefined && searchConfigFile(cwd) === null) return null;
  return loadConfig(configFile === undefined ? { cwd } : { cwd, configFile });
}
