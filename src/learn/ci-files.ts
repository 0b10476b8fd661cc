/** The repository's CI configuration files (the commands in them are read by ci-commands.ts). */
import { compileGlobs } from './glob-set.js';

/** CI configuration files we recognise; only GitHub and GitLab files are read for commands. */
export const CI_FILE_PATTERNS: readonly string[] = [
  '.github/workflows/*.{yml,yaml}',
  '/.gitlab-ci.yml',
  '.circleci/config.yml',
  '/.travis.yml',
  '/azure-pipelines.yml',
  '/bitbucket-pipelines.yml',
  '/Jenkinsfile',
  '/.drone.yml',
  '/.woodpecker.yml',
  '.woodpecker/*.{yml,yaml}',
  '.buildkite/*.{yml,yaml}',
  '/appveyor.yml',
  '.github/actions/**',
];

export const isCiFile: (path: string) => boolean = compileGlobs(CI_FILE_PATTERNS);
