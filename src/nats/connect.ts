/**
 * Connecting to the NATS server of `loop.engine: nats` with the configured credentials (an nkey
 * seed file, a `.creds` file, TLS client certificates). Every way it can fail is one line that
 * names the server or the file and says what to do.
 */
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import type { NatsSettings } from '../../protocol/index.js';
import { UserError } from '../util/errors.js';
import { describeIdentity } from './settings.js';

function readSecret(file: string, what: string): Uint8Array {
  try {
    return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
  } catch (error) {
    throw new UserError(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; check loop.nats in loop.config.yaml (\`loop nats setup\` writes one)`);
  }
}

export function connectionOptions(settings: NatsSettings, name: string): ConnectionOptions {
  const options: ConnectionOptions = {
    servers: settings.url.split(',').map((url) => url.trim()).filter((url) => url.length > 0),
    name,
    // A server restart (or a short outage) is waited out; whoever uses the connection decides how long.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: 10_000,
  };
  if (settings.nkey !== undefined) options.authenticator = nkeyAuthenticator(readSecret(settings.nkey, 'nkey seed'));
  else if (settings.creds !== undefined) options.authenticator = credsAuthenticator(readSecret(settings.creds, 'credentials file'));
  if (settings.tls !== undefined) {
    options.tls = {
      ...(settings.tls.ca === undefined ? {} : { caFile: settings.tls.ca }),
      ...(settings.tls.cert === undefined ? {} : { certFile: settings.tls.cert }),
      ...(settings.tls.key === undefined ? {} : { keyFile: settings.tls.key }),
    };
  }
  return options;
}

/** Connects, or throws a UserError saying why not in one line (unreachable, refused credentials, TLS). */
export async function connectNats(settings: NatsSettings, name: string): Promise<NatsConnection> {
  const options = connectionOptions(settings, name);
  try {
    return await connect(options);
  } catch (error) {
    throw new UserError(describeConnectError(error, settings));
  }
}

export function describeConnectError(error: unknown, settings: NatsSettings): string {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'AuthorizationError' || /authoriz|authentic/i.test(message)) {
    return `the NATS server at ${settings.url} refused ${describeIdentity(settings)} (${message}); check loop.nats.nkey or loop.nats.creds (\`loop nats setup\` writes supervisor.nk and the server config that accepts it)`;
  }
  return `cannot reach the NATS server at ${settings.url} (${message}); start it (\`nats-server -c <dir>/nats-server.conf\`; \`loop nats setup\` writes one) or fix loop.nats.url`;
}
