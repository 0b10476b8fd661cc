/**
 * Gradle and Maven. `test` and `build`/`package` are the build tool's own tasks; the plugins a
 * build declares are the project's own entry points: a formatter plugin (Spotless, fmt, formatter)
 * gives the format command, a checker (Checkstyle, PMD, SpotBugs, ktlint, detekt) the lint command.
 * The wrapper (gradlew, mvnw) runs them when the repository has one.
 */
import type { CommandKind } from './types.js';
import { emptyDetection, lineAt, sourceAt, type Detection, type RepoView } from './repo-view.js';

const GRADLE_FILES = ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'];

/** Gradle plugin id → the task that checks without changing anything. */
const GRADLE_PLUGINS: readonly [RegExp, CommandKind, string, string][] = [
  [/["']com\.diffplug\.spotless["']/, 'format', 'spotlessCheck', 'com.diffplug.spotless'],
  [/["']org\.jlleitschuh\.gradle\.ktlint["']/, 'lint', 'ktlintCheck', 'org.jlleitschuh.gradle.ktlint'],
  [/["']io\.gitlab\.arturbosch\.detekt["']/, 'lint', 'detekt', 'io.gitlab.arturbosch.detekt'],
  [/(?:\bid\s*\(?\s*["']checkstyle["']|^\s*checkstyle\s*$|apply\s+plugin:\s*["']checkstyle["'])/m, 'lint', 'checkstyleMain', 'checkstyle'],
  [/(?:\bid\s*\(?\s*["']pmd["']|^\s*pmd\s*$|apply\s+plugin:\s*["']pmd["'])/m, 'lint', 'pmdMain', 'pmd'],
  [/["']com\.github\.spotbugs["']/, 'lint', 'spotbugsMain', 'com.github.spotbugs'],
];

/** Maven plugin artifactId → the goal that checks without changing anything (resolvable by prefix once the POM declares the plugin). */
const MAVEN_PLUGINS: readonly [string, CommandKind, string][] = [
  ['spotless-maven-plugin', 'format', 'spotless:check'],
  ['fmt-maven-plugin', 'format', 'fmt:check'],
  ['formatter-maven-plugin', 'format', 'formatter:validate'],
  ['maven-checkstyle-plugin', 'lint', 'checkstyle:check'],
  ['maven-pmd-plugin', 'lint', 'pmd:check'],
  // SpotBugs reads compiled classes.
  ['spotbugs-maven-plugin', 'lint', 'compile spotbugs:check'],
];

export function detectGradle(repo: RepoView): Detection | null {
  const manifest = GRADLE_FILES.find((file) => repo.has(file));
  if (!manifest) return null;
  const detection = emptyDetection();
  detection.packageManager = 'gradle';
  const gradle = repo.has('gradlew') ? './gradlew' : 'gradle';
  const via = gradle === './gradlew' ? ', through the wrapper' : '';
  detection.candidates.push(
    { kind: 'test', origin: 'toolchain', command: `${gradle} test`, source: sourceAt(manifest, undefined, `gradle's test task${via}`) },
    { kind: 'build', origin: 'toolchain', command: `${gradle} build`, source: sourceAt(manifest, undefined, `gradle's build task${via}`) },
  );
  const texts = GRADLE_FILES.map((file) => [file, repo.read(file)] as const).filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  for (const [pattern, kind, task, id] of GRADLE_PLUGINS) {
    for (const [file, text] of texts) {
      const match = pattern.exec(text);
      if (!match) continue;
      detection.candidates.push({ kind, origin: 'entry', command: `${gradle} ${task}`, source: sourceAt(file, lineAt(text, match.index), `plugin ${id}`) });
      break;
    }
  }
  const all = texts.map(([, text]) => text).join('\n');
  detection.frameworks = jvmFrameworks(all);
  const name = /rootProject\.name\s*=\s*["']([^"']+)["']/.exec(all)?.[1];
  if (name) detection.name = name;
  return detection;
}

export function detectMaven(repo: RepoView): Detection | null {
  const text = repo.read('pom.xml');
  if (text === undefined) return null;
  const detection = emptyDetection();
  detection.packageManager = 'maven';
  const mvn = repo.has('mvnw') ? './mvnw' : 'mvn';
  const via = mvn === './mvnw' ? ', through the wrapper' : '';
  detection.candidates.push(
    { kind: 'test', origin: 'toolchain', command: `${mvn} test`, source: sourceAt('pom.xml', undefined, `maven's test phase${via}`) },
    { kind: 'build', origin: 'toolchain', command: `${mvn} package`, source: sourceAt('pom.xml', undefined, `maven's package phase${via}`) },
  );
  const plugins = activePlugins(text);
  for (const [artifactId, kind, goal] of MAVEN_PLUGINS) {
    const plugin = plugins.find((entry) => entry.artifactId === artifactId);
    if (plugin) detection.candidates.push({ kind, origin: 'entry', command: `${mvn} ${goal}`, source: sourceAt('pom.xml', plugin.line, `plugin ${artifactId}`) });
  }
  detection.frameworks = jvmFrameworks(text);
  const withoutParent = text.replace(/<parent>[\s\S]*?<\/parent>/, '');
  const name = /<artifactId>([^<]+)<\/artifactId>/.exec(withoutParent)?.[1];
  if (name) detection.name = name.trim();
  return detection;
}

/**
 * Plugins of the POM's own build: comments, `<pluginManagement>` (declarations, not uses) and
 * `<profiles>` (off unless activated) are blanked out first, keeping line breaks so lines stay right.
 */
function activePlugins(pom: string): { artifactId: string; line: number }[] {
  const blank = (match: string) => match.replace(/[^\n]/g, ' ');
  const active = pom
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/<pluginManagement>[\s\S]*?<\/pluginManagement>/g, blank)
    .replace(/<profiles>[\s\S]*?<\/profiles>/g, blank);
  const plugins: { artifactId: string; line: number }[] = [];
  for (const block of active.matchAll(/<plugin>([\s\S]*?)<\/plugin>/g)) {
    const artifact = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(block[1]!);
    if (artifact) plugins.push({ artifactId: artifact[1]!, line: lineAt(active, block.index + '<plugin>'.length + artifact.index) });
  }
  return plugins;
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
