/** The repository's CI configuration files (the commands in them are read by ci-commands.ts). */
import { CI_GLOBS } from '../gate/grader-files.js';
import { compileGlobs } from './glob-set.js';

/** CI configuration files: the gate's list of grader files; only GitHub and GitLab files are read for commands. */
export const isCiFile: (path: string) => boolean = compileGlobs(CI_GLOBS);
