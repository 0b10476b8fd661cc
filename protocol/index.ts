/** The one place every schema and inferred type of loop's wire formats is declared. */
export * from './ids.js';
export * from './config.js';
export * from './plan.js';
export * from './board-events.js';
export * from './upcast.js';
export * from './messages.js';
export * from './results.js';
export * from './run-json.js';
export * from './dashboard.js';
export * from './remote-attempt.js';
