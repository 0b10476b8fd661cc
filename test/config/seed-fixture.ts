/**
 * Config snippets copied verbatim from the README of the product we replace
 * (loop-orchestrator 0.4.0), and a workspace where their repository paths exist.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { git, tempDir, writeFiles } from '../helpers/temp.js';

export const SEED_REPOSITORIES = `repositories:
  - name: frontend-app
    path: ~/work/frontend-app
    role: frontend
    defaultBranch: main
    protectedBranches: [main, production]
  - name: backend-api
    path: ~/work/backend-api
    role: backend
    defaultBranch: main
    protectedBranches: [main, production]
`;

export const SEED_PROVIDERS = `providers:
  planner:
    type: claude
    model: claude-opus-4-8
    command: claude
    auth:
      mode: subscription
      configured: true
  frontend:
    type: claude
    model: claude-sonnet-4-6
    command: claude
    dangerouslySkipPermissions: true
    auth:
      mode: subscription
      configured: true
  backend:
    type: codex
    model: gpt-5.4
    effort: medium
    command: codex
    yolo: true
    auth:
      mode: subscription
      configured: true
  scout:
    type: gemini
    model: gemini-3.5-flash
    command: gemini
    auth:
      mode: subscription
      configured: true
`;

export const SEED_ROLES = `roles:
  - name: cto
    title: Technical lead and architecture reviewer
    provider: planner
    repositories: [frontend-app, backend-api]
    responsibilities:
      - Convert issues into acceptance criteria and implementation plans.
      - Review architecture, risk, rollback, and backward compatibility.
  - name: fe1
    title: Frontend engineer
    provider: frontend
    repositories: [frontend-app]
    responsibilities:
      - Implement responsive UI changes.
      - Run browser smoke tests and capture screenshots.
  - name: be1
    title: Backend engineer
    provider: backend
    repositories: [backend-api]
    responsibilities:
      - Implement APIs, migrations, and tests.
      - Avoid destructive database operations.
  - name: qa1
    title: QA and release reviewer
    provider: backend
    repositories: [frontend-app, backend-api]
    responsibilities:
      - Verify acceptance criteria.
      - Produce final merge readiness notes.
`;

/** The "Example Roles" section's provider block (flags without raw argument strings). */
export const SEED_EXAMPLE_PROVIDERS = `providers:
  frontend:
    type: claude
    model: claude-sonnet-4-6
    auth:
      mode: subscription
      configured: true
    dangerouslySkipPermissions: true
  backend:
    type: codex
    model: gpt-5.4
    effort: medium
    auth:
      mode: subscription
      configured: true
    yolo: true
`;

/** A home folder holding ~/work/frontend-app and ~/work/backend-api as git repositories, plus a workspace with a brief. */
export function seedWorkspace(t: Parameters<typeof tempDir>[0]): { home: string; workspace: string } {
  const home = tempDir(t);
  for (const name of ['frontend-app', 'backend-api']) {
    const dir = join(home, 'work', name);
    mkdirSync(dir, { recursive: true });
    git(dir, ['init', '-q', '-b', 'main']);
  }
  const workspace = tempDir(t);
  writeFiles(workspace, { 'brief.md': '# Project Brief\n' });
  return { home, workspace };
}

