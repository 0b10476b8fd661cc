import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesGlob, isLiteralPath } from '../../src/util/glob.js';

const cases: Array<[string, string, boolean]> = [
  ['math.test.js', '*.test.js', true],
  ['test/deep/math.test.js', '*.test.js', true],
  ['test/math.js', 'test/**', true],
  ['src/test/math.js', 'test/**', false],
  ['src/test/math.js', '**/test/**', true],
  ['test/math.js', '**/test/**', true],
  ['.github/workflows/ci.yml', '.github/workflows/*.{yml,yaml}', true],
  ['.github/workflows/ci.yaml', '.github/workflows/*.{yml,yaml}', true],
  ['jest.config.ts', 'jest.config.*', true],
  ['pkg/jest.config.ts', 'jest.config.*', true],
  ['a/b/c_test.go', '*_test.go', true],
  ['tests/x.py', 'tests/', true],
  ['test_x.py', 'test_[a-z]*.py', true],
  ['src/app.js', '*.test.js', false],
  // braces holding paths (issue 9 item 6: the hand-written matcher escaped the `*` inside them)
  ['src/deep/x.ts', '{src/**,lib/**}', true],
  ['lib/x.js', '{src/**,lib/**}', true],
  ['docs/x.md', '{src/**,lib/**}', false],
  ['db/migrations/001.sql', 'db/{migrations,seeds}/**', true],
  // anchoring: a leading slash anchors a bare name at the root
  ['loop.config.yaml', '/loop.config.yaml', true],
  ['sub/loop.config.yaml', '/loop.config.yaml', false],
  ['sub/.npmrc', '.npmrc', true],
  // dot files and dot folders match like any other
  ['.mocharc.yml', '.mocharc*', true],
  ['.github/workflows/ci.yml', '**/*.yml', true],
  ['a/.cache/x.js', 'a/**', true],
  ['release/1.0', 'release/*', true],
  ['release/1.0/x', 'release/*', false],
];

for (const [path, pattern, expected] of cases) {
  test(`"${path}" ${expected ? 'matches' : 'does not match'} "${pattern}"`, () => {
    assert.equal(matchesGlob(path, pattern), expected);
  });
}

test('a glob with wildcards is not a literal path', () => {
  assert.equal(isLiteralPath('src/math.js'), true);
  assert.equal(isLiteralPath('src/*.js'), false);
  assert.equal(isLiteralPath('src/'), false);
});
