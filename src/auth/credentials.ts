/**
 * Which credentials each vendor CLI would use, by variable NAME and login-file presence only:
 * values are never read or printed. Pure: the environment, home and file test are passed in.
 */
import { join } from 'node:path';

export type Vendor = 'claude' | 'codex' | 'gemini';
export const VENDORS: readonly Vendor[] = ['claude', 'codex', 'gemini'];

export interface CredentialFacts {
  /** The variable that authenticates the CLI, when one is set. */
  keyEnv: string | null;
  /** The stored login found, as a path. */
  loginFile: string | null;
  /** Things set that do NOT authenticate on their own, and why. */
  notes: string[];
}

export interface CredentialProbe {
  env: NodeJS.ProcessEnv;
  home: string;
  /** Whether a login file holds a login (existence, or a marker key for ~/.claude.json). */
  hasLogin: (path: string) => boolean;
}

export const INSTALL_HINT: Record<Vendor, string> = {
  claude: 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
  gemini: 'npm install -g @google/gemini-cli',
};

export const LOGIN_HINT: Record<Vendor, string> = {
  claude: 'run `claude` and /login (or `claude setup-token`), or set ANTHROPIC_API_KEY',
  codex: 'run `codex login`, or set CODEX_API_KEY',
  gemini: 'run `gemini` once and sign in with Google, or set GEMINI_API_KEY',
};

const isSet = (env: NodeJS.ProcessEnv, name: string): boolean => (env[name] ?? '') !== '';

export function loginFiles(vendor: Vendor, env: NodeJS.ProcessEnv, home: string): string[] {
  switch (vendor) {
    case 'claude': return [join(home, '.claude', '.credentials.json'), join(home, '.claude.json')];
    case 'codex': return [isSet(env, 'CODEX_HOME') ? join(env['CODEX_HOME']!, 'auth.json') : join(home, '.codex', 'auth.json')];
    case 'gemini': return [join(home, '.gemini', 'oauth_creds.json')];
  }
}

export function detectCredentials(vendor: Vendor, probe: CredentialProbe): CredentialFacts {
  const { env } = probe;
  const notes: string[] = [];
  let keyEnv: string | null = null;
  switch (vendor) {
    case 'claude':
      keyEnv = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_AUTH_TOKEN'].find((name) => isSet(env, name)) ?? null;
      break;
    case 'codex':
      if (isSet(env, 'CODEX_API_KEY')) keyEnv = 'CODEX_API_KEY';
      else if (isSet(env, 'OPENAI_API_KEY')) {
        notes.push('OPENAI_API_KEY is set, but `codex exec` does not send it: set CODEX_API_KEY, or run `printenv OPENAI_API_KEY | codex login --with-api-key`');
      }
      break;
    case 'gemini': {
      const vertex = /^(true|1)$/i.test(env['GOOGLE_GENAI_USE_VERTEXAI'] ?? '');
      if (isSet(env, 'GEMINI_API_KEY')) keyEnv = 'GEMINI_API_KEY';
      else if (vertex && isSet(env, 'GOOGLE_API_KEY')) keyEnv = 'GOOGLE_API_KEY';
      else if (vertex && isSet(env, 'GOOGLE_CLOUD_PROJECT')) keyEnv = 'GOOGLE_CLOUD_PROJECT';
      else if (isSet(env, 'GOOGLE_API_KEY') || isSet(env, 'GOOGLE_CLOUD_PROJECT')) {
        notes.push('GOOGLE_API_KEY / GOOGLE_CLOUD_PROJECT authenticate gemini only with GOOGLE_GENAI_USE_VERTEXAI=true');
      }
      break;
    }
  }
  const loginFile = loginFiles(vendor, env, probe.home).find((path) => probe.hasLogin(path)) ?? null;
  return { keyEnv, loginFile, notes };
}
