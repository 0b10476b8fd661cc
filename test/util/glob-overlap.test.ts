import { test } from 'node:test';
import assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { scopeListsOverlap, scopesOverlap } from '../../src/util/glob-overlap.js';

const cases: Array<[string, string, boolean, string]> = [
  ['src/math.js', 'src/math.js', true, 'the same file'],
  ['src/math.js', 'src/util.js', false, 'two different files'],
  ['src/api', 'src/api/users.ts', true, 'a plain path covers the folder below it'],
  ['src/api/', 'src/api/users.ts', true, 'a trailing slash is the folder'],
  ['src/api', 'src/apis/x.ts', false, 'a folder is not a prefix of another name'],
  ['./src/a.js', '/src/a.js', true, './ and a leading / are dropped'],
  ['src/**', 'src/deep/er/file.ts', true, '** spans folders'],
  ['src/**', 'lib/file.ts', false, 'different top folders'],
  ['src/*.ts', 'src/a/b.ts', false, '* stays within one folder'],
  ['src/*.ts', 'src/index.ts', true, 'a file the glob matches'],
  ['src/*.ts', 'src/index.js', false, 'a file the glob does not match'],
  ['src/*.ts', 'src/*.js', false, 'globs whose fixed ends cannot both hold'],
  ['src/a*.ts', 'src/*b.ts', true, 'globs that a name like ab.ts satisfies'],
  ['src/x-*', 'src/y-*', false, 'globs whose fixed starts cannot both hold'],
  ['*.md', 'docs/guide/intro.md', true, 'a glob without / matches at any depth'],
  ['*.md', 'src/*.ts', false, 'a glob without / still has to match the name'],
  ['*.md', 'src/index.ts', true, 'a plain path might be a folder (src/index.ts/notes.md), so it overlaps'],
  ['**/*.test.ts', 'src/*.ts', true, 'src/a.test.ts matches both'],
  ['**/*.test.ts', 'src/*.js', false, 'compared from the end after **'],
  ['**/*.test.ts', 'test/math.test.ts', true, 'the end matches'],
  ['src/**/api/*.ts', 'src/v1/api/users.ts', true, '** in the middle'],
  ['src/**/api/*.ts', 'src/api', true, 'a plain folder covers what is below it'],
  ['src/**/api/*.ts', 'lib/v1/api/users.ts', false, 'the start still counts'],
  ['src/{api,db}/**', 'src/db/schema.sql', true, 'braces are expanded'],
  ['src/{api,db}/**', 'src/ui/app.tsx', false, 'no alternative matches'],
  ['src/{a,{b,c}}/x', 'src/c/x', true, 'nested braces: everything below src'],
  ['src/{a,{b,c}}/x', 'lib/c/x', false, 'nested braces still keep the plain start'],
  ['@(src/a|lib)/x', 'src/a/x', true, 'an extglob spanning folders counts as everything'],
  ['src/[ab].js', 'src/a.js', true, 'a character class'],
  ['src/[ab].js', 'src/c.js', false, 'a character class that does not match'],
  ['src/.env', 'src/*', true, 'dotfiles count'],
  ['', 'anything/at/all', true, 'an empty scope is the whole repository'],
  ['a/*/c', 'a/**/c/d', false, 'a/*/c names a file three deep; a/**/c/d needs a d below a c'],
  ['a/*', 'a/**/b', true, 'a/b is matched by both'],
];

for (const [a, b, expected, why] of cases) {
  test(`scopes ${JSON.stringify(a)} and ${JSON.stringify(b)} ${expected ? 'overlap' : 'do not overlap'}: ${why}`, () => {
    assert.equal(scopesOverlap(a, b), expected);
    assert.equal(scopesOverlap(b, a), expected, 'symmetric');
  });
}

test('lists of scopes overlap when any pair does', () => {
  assert.equal(scopeListsOverlap(['src/a.js', 'docs/**'], ['lib/**', 'docs/intro.md']), true);
  assert.equal(scopeListsOverlap(['src/a.js', 'docs/**'], ['lib/**', 'README.md']), false);
});

test('never says "no" when picomatch finds a path both globs match (random globs and paths)', () => {
  // A small alphabet so collisions are frequent; a seeded generator so a failure repeats.
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const names = ['a', 'b', 'ab', 'a.ts', 'b.ts', 'x.md'];
  const globNames = [...names, '*', '*.ts', 'a*', '*b', '?', '[ab]', '**', '*.md', '{a,b}'];
  const path = (): string => Array.from({ length: 1 + random(4) }, () => names[random(names.length)]).join('/');
  const glob = (): string => Array.from({ length: 1 + random(4) }, () => globNames[random(globNames.length)]).join('/');
  const paths = Array.from({ length: 400 }, path);
  let checked = 0;
  for (let round = 0; round < 1500; round++) {
    const a = glob();
    const b = glob();
    const both = paths.find((p) => picomatch.isMatch(p, a, { dot: true }) && picomatch.isMatch(p, b, { dot: true }));
    if (both === undefined) continue;
    checked += 1;
    assert.equal(scopesOverlap(a, b), true, `${a} and ${b} both match ${both}`);
  }
  assert.ok(checked > 100, `only ${checked} pairs shared a path`);
});
