/**
 * Toolchains whose commands are fixed by the tool itself: go.mod, Cargo.toml, Gradle and Maven.
 * The manifest's presence is the source; dependencies name the frameworks.
 */
import { emptyDetection, type Detection, type RepoView } from './repo-view.js';
import { parseToml, tomlString, tomlTable } from './toml.js';
import { GO_FRAMEWORKS, RUST_FRAMEWORKS, lookupFrameworks } from './frameworks.js';

export function detectGo(repo: RepoView): Detection | null {
  const text = repo.read('go.mod');
  if (text === undefined) return null;
  const detection = emptyDetection();
  detection.packageManager = 'go';
  const module = /^module\s+(\S+)/m.exec(text)?.[1];
  if (module) detection.name = module.replace(/^"|"$/g, '');
  const source = 'go.mod';
  detection.commands = {
    install: { command: 'go mod download', source },
    test: { command: 'go test ./...', source },
    build: { command: 'go build ./...', source },
    lint: { command: 'go vet ./...', source },
  };
  const required = [...text.matchAll(/^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+\/[^\s]+)\s+v[0-9]/gm)].map((match) => match[1]!);
  const names = required.flatMap((path) => [...GO_FRAMEWORKS.keys()].filter((prefix) => path === prefix || path.startsWith(`${prefix}/`)));
  detection.frameworks = lookupFrameworks(names, GO_FRAMEWORKS);
  return detection;
}

export function detectCargo(repo: RepoView): Detection | null {
  const text = repo.read('Cargo.toml');
  if (text === undefined) return null;
  const detection = emptyDetection();
  detection.packageManager = 'cargo';
  const doc = parseToml(text);
  const name = tomlString(doc.tables.get('package')?.['name']);
  if (name) detection.name = name;
  const source = 'Cargo.toml';
  detection.commands = {
    install: { command: 'cargo fetch', source },
    test: { command: 'cargo test', source },
    build: { command: 'cargo build', source },
    lint: { command: 'cargo clippy', source },
    format: { command: 'cargo fmt --check', source },
  };
  const crates = [...doc.tables].flatMap(([table, entries]) => {
    if (/(?:^|\.)(?:dev-|build-)?dependencies$/.test(table)) return Object.keys(entries);
    return Object.keys(tomlTable(entries['dependencies']) ?? {});
  });
  detection.frameworks = lookupFrameworks(crates, RUST_FRAMEWORKS);
  if (doc.tables.has('workspace')) detection.notes.push('Cargo workspace: cargo commands run for every member from the root.');
  return detection;
}

const GRADLE_FILES = ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'];

export function detectGradle(repo: RepoView): Detection | null {
  const manifest = GRADLE_FILES.find((file) => repo.has(file));
  if (!manifest) return null;
  const detection = emptyDetection();
  detection.packageManager = 'gradle';
  const wrapper = repo.has('gradlew');
  const gradle = wrapper ? './gradlew' : 'gradle';
  const source = wrapper ? `${manifest} (gradle wrapper)` : manifest;
  detection.commands = {
    test: { command: `${gradle} test`, source },
    build: { command: `${gradle} build`, source },
  };
  const text = GRADLE_FILES.map((file) => repo.read(file) ?? '').join('\n');
  detection.frameworks = jvmFrameworks(text);
  const name = /rootProject\.name\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  if (name) detection.name = name;
  return detection;
}

export function detectMaven(repo: RepoView): Detection | null {
  const text = repo.read('pom.xml');
  if (text === undefined) return null;
  const detection = emptyDetection();
  detection.packageManager = 'maven';
  const wrapper = repo.has('mvnw');
  const mvn = wrapper ? './mvnw' : 'mvn';
  const source = wrapper ? 'pom.xml (maven wrapper)' : 'pom.xml';
  detection.commands = {
    test: { command: `${mvn} test`, source },
    build: { command: `${mvn} package`, source },
  };
  detection.frameworks = jvmFrameworks(text);
  const withoutParent = text.replace(/<parent>[\s\S]*?<\/parent>/, '');
  const name = /<artifactId>([^<]+)<\/artifactId>/.exec(withoutParent)?.[1];
  if (name) detection.name = name.trim();
  return detection;
}

function jvmFrameworks(text: string): string[] {
  const found: string[] = [];
  if (/spring-boot/.test(text)) found.push('spring-boot');
  if (/io\.quarkus/.test(text)) found.push('quarkus');
  if (/io\.micronaut/.test(text)) found.push('micronaut');
  if (/junit/i.test(text)) found.push('junit');
  if (/kotest/.test(text)) found.push('kotest');
  return found;
}
