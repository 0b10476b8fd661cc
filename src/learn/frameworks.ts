/**
 * Frameworks and tools named by a project's dependencies or by marker files. Only names a role
 * prompt benefits from (web frameworks, test runners, build tools); plain libraries are left out.
 */
import { matchesGlob } from '../util/glob.js';

/** npm package name → framework. */
export const NPM_FRAMEWORKS: ReadonlyMap<string, string> = new Map([
  ['react', 'react'], ['react-native', 'react-native'], ['preact', 'preact'], ['vue', 'vue'], ['svelte', 'svelte'],
  ['@sveltejs/kit', 'sveltekit'], ['solid-js', 'solid'], ['@angular/core', 'angular'], ['next', 'next'],
  ['nuxt', 'nuxt'], ['astro', 'astro'], ['@remix-run/react', 'remix'], ['gatsby', 'gatsby'], ['electron', 'electron'],
  ['express', 'express'], ['fastify', 'fastify'], ['@nestjs/core', 'nestjs'], ['koa', 'koa'], ['hono', 'hono'],
  ['@hapi/hapi', 'hapi'], ['graphql', 'graphql'], ['prisma', 'prisma'], ['@prisma/client', 'prisma'],
  ['typeorm', 'typeorm'], ['drizzle-orm', 'drizzle'], ['tailwindcss', 'tailwind'], ['vite', 'vite'],
  ['webpack', 'webpack'], ['jest', 'jest'], ['vitest', 'vitest'], ['mocha', 'mocha'], ['ava', 'ava'],
  ['tap', 'tap'], ['jasmine', 'jasmine'], ['karma', 'karma'], ['@playwright/test', 'playwright'],
  ['playwright', 'playwright'], ['cypress', 'cypress'], ['@testing-library/react', 'testing-library'],
  ['storybook', 'storybook'], ['typescript', 'typescript'], ['eslint', 'eslint'], ['prettier', 'prettier'],
  ['@biomejs/biome', 'biome'],
]);

/** Python distribution name (lower case, `_` → `-`) → framework. */
export const PYTHON_FRAMEWORKS: ReadonlyMap<string, string> = new Map([
  ['django', 'django'], ['flask', 'flask'], ['fastapi', 'fastapi'], ['starlette', 'starlette'], ['tornado', 'tornado'],
  ['aiohttp', 'aiohttp'], ['sqlalchemy', 'sqlalchemy'], ['pydantic', 'pydantic'], ['celery', 'celery'],
  ['pytest', 'pytest'], ['hypothesis', 'hypothesis'], ['numpy', 'numpy'], ['pandas', 'pandas'], ['torch', 'pytorch'],
  ['tensorflow', 'tensorflow'], ['streamlit', 'streamlit'], ['typer', 'typer'], ['click', 'click'],
]);

/** Go module path prefix → framework. */
export const GO_FRAMEWORKS: ReadonlyMap<string, string> = new Map([
  ['github.com/gin-gonic/gin', 'gin'], ['github.com/labstack/echo', 'echo'], ['github.com/gofiber/fiber', 'fiber'],
  ['github.com/go-chi/chi', 'chi'], ['github.com/gorilla/mux', 'gorilla/mux'], ['github.com/spf13/cobra', 'cobra'],
  ['github.com/stretchr/testify', 'testify'], ['google.golang.org/grpc', 'grpc'], ['gorm.io/gorm', 'gorm'],
]);

/** Rust crate → framework. */
export const RUST_FRAMEWORKS: ReadonlyMap<string, string> = new Map([
  ['actix-web', 'actix-web'], ['axum', 'axum'], ['rocket', 'rocket'], ['warp', 'warp'], ['tokio', 'tokio'],
  ['clap', 'clap'], ['serde', 'serde'], ['diesel', 'diesel'], ['sqlx', 'sqlx'], ['tauri', 'tauri'], ['bevy', 'bevy'],
]);

/** Marker file (glob) → framework, for what dependencies alone do not say. */
const MARKERS: readonly [string, string][] = [
  ['manage.py', 'django'], ['next.config.*', 'next'], ['nuxt.config.*', 'nuxt'], ['angular.json', 'angular'],
  ['svelte.config.*', 'svelte'], ['astro.config.*', 'astro'], ['vite.config.*', 'vite'], ['jest.config.*', 'jest'],
  ['vitest.config.*', 'vitest'], ['.mocharc*', 'mocha'], ['playwright.config.*', 'playwright'],
  ['cypress.config.*', 'cypress'], ['pytest.ini', 'pytest'], ['conftest.py', 'pytest'], ['tox.ini', 'tox'],
  ['Dockerfile', 'docker'], ['docker-compose.{yml,yaml}', 'docker-compose'], ['compose.{yml,yaml}', 'docker-compose'],
  ['CMakeLists.txt', 'cmake'], ['meson.build', 'meson'], ['*.tf', 'terraform'], ['Chart.yaml', 'helm'],
  ['tailwind.config.*', 'tailwind'],
];

/** Markers at the root or one folder down (a config deep in a tree, such as a fixture, is not the stack). */
export function markerFrameworks(files: readonly string[]): string[] {
  const found = new Set<string>();
  for (const path of files) {
    if (depth(path) > 1) continue;
    for (const [pattern, framework] of MARKERS) if (matchesGlob(path, pattern)) found.add(framework);
  }
  return [...found];
}

export function lookupFrameworks(names: Iterable<string>, table: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const name of names) {
    const framework = table.get(name);
    if (framework && !found.includes(framework)) found.push(framework);
  }
  return found;
}

function depth(path: string): number {
  let slashes = 0;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) slashes += 1;
  return slashes;
}
