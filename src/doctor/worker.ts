/**
 * What `loop doctor --worker` finds out on a worker machine: git, the NATS server as the worker's
 * identity sees it (connects, JetStream answers, the roles' work queues exist), the agent CLIs of
 * the roles it will serve and each repository's remote, from the project's config when there is one
 * here. Effectful; the verdicts are in worker-checks.ts.
 */
import { dirname } from 'node:path';
import type { NatsSettings } from '../../protocol/index.js';
import { checkProviders, targetsFromConfig, type ProviderAuthStatus } from '../auth/status.js';
import { analyzeConfigText } from '../config/check.js';
import { displayPath, findConfigFile, readConfigText, searchConfigFile } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import { describeIdentity } from '../nats/settings.js';
import { exec } from '../util/exec.js';
import { loopHome } from '../util/paths.js';
import { workerRemote } from '../git/remote.js';
import { gatherRemotes, probeWritable } from './gather.js';
import { reachServer, type ServerReach } from './nats.js';
import type { RemoteFacts } from './remote-checks.js';
import type { DoctorFacts } from './checks.js';

export interface WorkerServerFacts extends ServerReach {
  /** Per role: does its work queue (made by a run's supervisor) exist yet. */
  queues?: Array<{ role: string; exists: boolean }>;
}

export interface WorkerDoctorFacts {
  platform: NodeJS.Platform;
  nodeVersion: string;
  gitVersion: string | null;
  roles: string[];
  /** The project's config found here (or -c); null when there is none. */
  config: { file: string; errors: string[]; unknownRoles: string[] } | null;
  providers: ProviderAuthStatus[];
  server: WorkerServerFacts;
  /** Null without a config (the repositories are not known). */
  remotes: RemoteFacts[] | null;
  writable: DoctorFacts['writable'];
}

export interface WorkerGatherOptions {
  cwd: string;
  configFile?: string;
  env: NodeJS.ProcessEnv;
  settings: NatsSettings;
  roles: string[];
}

export async function gatherWorkerFacts(o: WorkerGatherOptions): Promise<WorkerDoctorFacts> {
  const git = await exec('git', ['--version'], { env: o.env, timeoutMs: 10_000 }).catch(() => null);
  const file = o.configFile !== undefined ? findConfigFile(o.cwd, o.configFile) : searchConfigFile(o.cwd);
  const analysis = file ? analyzeConfigText(readConfigText(file, displayPath(file, o.cwd)), displayPath(file, o.cwd), dirname(file)) : null;
  const config = analysis?.config ?? null;
  const targets = config === null ? [] : targetsFromConfig(config)
    .map((target) => ({ ...target, usedBy: target.usedBy.filter((role) => o.roles.includes(role)) }))
    .filter((target) => target.enabled && target.usedBy.length > 0);
  return {
    platform: process.platform,
    nodeVersion: process.version,
    gitVersion: git?.code === 0 ? git.stdout.trim() : null,
    roles: o.roles,
    config: file === null || analysis === null ? null : {
      file: displayPath(file, o.cwd),
      errors: analysis.problems.filter((p) => p.severity === 'error').map((p) => formatProblem(p)),
      unknownRoles: config === null ? [] : o.roles.filter((role) => !config.roles.some((r) => r.name === role)),
    },
    providers: await checkProviders(targets, { env: o.env, cwd: file ? dirname(file) : o.cwd }),
    server: await gatherWorkerServer(o.settings, o.roles),
    remotes: analysis === null || config === null ? null : await gatherRemotes(analysis.repositories, workerRemote(config.loop.nats)),
    writable: [probeWritable('$LOOP_HOME', loopHome(o.env))],
  };
}

async function gatherWorkerServer(settings: NatsSettings, roles: string[]): Promise<WorkerServerFacts> {
  const { queueConsumer, WORK_STREAM } = await import('../nats/names.js');
  const facts: WorkerServerFacts = { url: settings.url, identity: describeIdentity(settings), connected: false };
  // `$JS.API.INFO` and consumer info are among the few JetStream requests a worker may make.
  return reachServer(settings, 'loop doctor --worker', facts, async (_nc, jsm) => {
    facts.queues = await Promise.all(roles.map(async (role) => ({
      role,
      exists: await jsm.consumers.info(WORK_STREAM, queueConsumer({ kind: 'role', name: role })).then(() => true, () => false),
    })));
  });
}
