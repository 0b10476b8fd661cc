/**
 * Go (go.mod). `go test ./...` and `go build ./...` are the toolchain's own commands and count only
 * when nothing the project defines (a Makefile target, its CI) names another. A linter is reported
 * only when the project configures one (.golangci.yml): `go vet` is not assumed.
 */
import { emptyDetection, sourceAt, type Detection, type RepoView } from './repo-view.js';
import { GO_FRAMEWORKS, lookupFrameworks } from './frameworks.js';

const GOLANGCI_CONFIGS = ['.golangci.yml', '.golangci.yaml', '.golangci.toml', '.golangci.json'];

export function detectGo(repo: RepoView): Detection | null {
  const text = repo.read('go.mod');
  if (text === undefined) return null;
  const detection = emptyDetection();
  detection.packageManager = 'go';
  const module = /^module\s+(\S+)/m.exec(text)?.[1];
  if (module) detection.name = module.replace(/^"|"$/g, '');
  detection.candidates.push(
    { kind: 'install', origin: 'config', command: 'go mod download', source: repo.has('go.sum') ? 'go.sum' : 'go.mod' },
    { kind: 'test', origin: 'toolchain', command: 'go test ./...', source: sourceAt('go.mod', undefined, "go's own test command") },
    { kind: 'build', origin: 'toolchain', command: 'go build ./...', source: sourceAt('go.mod', undefined, "go's own build command") },
  );
  const golangci = GOLANGCI_CONFIGS.find((file) => repo.has(file));
  if (golangci) detection.candidates.push({ kind: 'lint', origin: 'config', command: 'golangci-lint run', source: golangci });
  const required = [...text.matchAll(/^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+\/[^\s]+)\s+v[0-9]/gm)].map((match) => match[1]!);
  const names = required.flatMap((path) => [...GO_FRAMEWORKS.keys()].filter((prefix) => path === prefix || path.startsWith(`${prefix}/`)));
  detection.frameworks = lookupFrameworks(names, GO_FRAMEWORKS);
  return detection;
}
