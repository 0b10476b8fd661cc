/**
 * Defence in depth for every response body: the server never reads config or environment values
 * into a response, and should an agent's transcript or an error message on the board contain the
 * value of a secret-looking variable (API keys, tokens, passwords) of the server's environment or
 * of a provider's `env` in the config, it is replaced by the variable's name before it leaves.
 */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|AUTH|SESSION|COOKIE)/i;
/** Shorter values would redact ordinary words. */
const MIN_SECRET_LENGTH = 8;

export class Redactor {
  readonly #secrets: Array<[value: string, name: string]>;

  /** `env`: the server's environment; `extra`: more variables (providers' `env` in the config) and the token. */
  constructor(env: NodeJS.ProcessEnv, extra: Array<[name: string, value: string]> = []) {
    const found = [...Object.entries(env), ...extra]
      .filter(([name, value]) => (SECRET_NAME.test(name) || name === 'dashboard token') && typeof value === 'string' && value.length >= MIN_SECRET_LENGTH)
      .map(([name, value]) => [value!, name] as [string, string]);
    // Longest first, so a secret containing another is replaced whole.
    this.#secrets = found.sort((a, b) => b[0].length - a[0].length);
  }

  text(value: string): string {
    let out = value;
    for (const [secret, name] of this.#secrets) if (out.includes(secret)) out = out.split(secret).join(`[redacted: $${name}]`);
    return out;
  }

  /** JSON.stringify with every string value redacted (serialised twice only when a secret is in it). */
  json(value: unknown): string {
    const plain = JSON.stringify(value);
    const found = this.#secrets.some(([secret]) => plain.includes(secret) || plain.includes(JSON.stringify(secret).slice(1, -1)));
    return found ? JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? this.text(v) : v)) : plain;
  }
}
