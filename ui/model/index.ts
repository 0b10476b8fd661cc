/** The view model of a run, shared by the dashboard page (loaded as ES modules) and the monitor. */
export { applyToLive, emptyLiveState, noteOutput, type LiveState, type FeedEntry } from './live-state.js';
export { buildDashboard, type DashboardModel } from './dashboard.js';
export { taskStory, type TaskStory } from './story.js';
export { clock, formatDuration, formatUsd, plural } from './format.js';
export { workersView, type WorkersView, type WorkerRow } from './workers.js';
