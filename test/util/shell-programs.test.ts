import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandPrograms } from '../../src/util/shell-programs.js';

test('commandPrograms: the programs setup and test commands start, and nothing it cannot be sure of', () => {
  const rows: Array<[string, string[]]> = [
    ['npm test', ['npm']],
    ['uv sync', ['uv']],
    ['uv run pytest', ['uv']],
    ['PYTHONPATH=src python3 -m pytest', ['python3']],
    ['PYTHONPATH=src CI=1 python3 -m pytest -q', ['python3']],
    ['env PATH=/usr/bin X=1 pytest', ['pytest']],
    ['env -i PATH=/usr/bin pytest', []],
    ['nice make check', ['make']],
    ['cd api && make test', ['make']],
    ['npm ci && npm run build || echo failed', ['npm']],
    ['go test ./... 2>&1 | tee test.log', ['go', 'tee']],
    ['pytest > out.txt 2>&1; grep -q passed out.txt', ['pytest', 'grep']],
    ["bash -c 'npm test'", ['bash']],
    ['"my runner" --all', ['my runner']],
    ['/opt/tools/bin/runner --ci', ['/opt/tools/bin/runner']],
    ['./gradlew test', []],
    ['node_modules/.bin/jest --ci', []],
    ['$TEST_RUNNER --ci', []],
    ['(cd api && npm test)', ['npm']],
    ['sudo -u ci make check', []],
    ['if [ -f Makefile ]; then make test; fi', ['make']],
    ['export CI=1; npm test', ['npm']],
    ["echo 'unterminated", []],
    ['', []],
  ];
  for (const [command, programs] of rows) assert.deepEqual(commandPrograms(command), programs, command);
});
