/** The supervision engine's public surface (see supervisor.ts); the other modules are its parts. */
export { Supervisor, type ChildStatus, type SupervisorEvent, type SupervisorOptions, type CallOptions } from './supervisor.js';
export {
  normalizeSupervisorSpec, DEFAULT_INTENSITY, DEFAULT_PERIOD_MS, DEFAULT_SHUTDOWN_MS, DEFAULT_START_TIMEOUT_MS,
  type BackoffOptions, type ChildSpec, type RestartType, type Strategy, type SupervisorSpec, type WorkerSpec,
} from './child-spec.js';
export { DEFAULT_CALL_TIMEOUT_MS } from './call.js';
export {
  ActorExitedError, CallTimeoutError, ChildUnavailableError, InvalidChildSpecError, ProtocolError, StartError, SupervisorError,
} from './errors.js';
export { groupAlive, groupMembers, killGroup, signalGroup } from './process-group.js';
