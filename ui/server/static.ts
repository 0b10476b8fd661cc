/**
 * The page's files, read once at start: the client (ui/client, plain ES modules, no build step) and
 * the compiled view model it imports (dist/ui/model and the board fold under dist/src/board),
 * found by following the model's imports. Only those files are served; a bare import in that graph
 * (a Node module) is refused at start, since a browser could not load it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticFile {
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const here = dirname(fileURLToPath(import.meta.url));
/** dist/ (this file is dist/ui/server/static.js) and the package root above it. */
const DIST = resolve(here, '..', '..');
const ROOT = resolve(DIST, '..');
export const MODEL_ENTRY = '/m/ui/model/index.js';

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]/g;

/** Every module reachable from the model's entry, by URL path under /m/. */
function moduleGraph(entry: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const visit = (file: string): void => {
    const url = `/m/${relative(DIST, file).split('\\').join('/')}`;
    if (files.has(url)) return;
    const text = readFileSync(file, 'utf8');
    files.set(url, { type: TYPES['.js']!, body: Buffer.from(text.replace(/\n\/\/# sourceMappingURL=.*$/m, '')) });
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2]!;
      if (!spec.startsWith('.')) throw new Error(`${file} imports "${spec}", which a browser cannot load; the view model must import only relative modules`);
      visit(resolve(dirname(file), spec));
    }
  };
  visit(entry);
  return files;
}

export function loadStaticFiles(): Map<string, StaticFile> {
  const files = moduleGraph(join(DIST, 'ui', 'model', 'index.js'));
  const clientDir = join(ROOT, 'ui', 'client');
  for (const name of readdirSync(clientDir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(clientDir, name));
    files.set(name === 'index.html' ? '/' : `/app/${name}`, { type, body });
  }
  return files;
}
