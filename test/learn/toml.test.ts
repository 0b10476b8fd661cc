import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseToml } from '../../src/learn/toml.js';
import { iniList, parseIni } from '../../src/learn/ini.js';

test('TOML tables, dotted headers, strings, numbers, booleans, multi-line arrays and inline tables', () => {
  const doc = parseToml(`
title = "root"  # comment
[project]
name = "inventory"
version = '0.3.0'
dependencies = [
  "fastapi>=0.110",  # trailing comment
  'pydantic>=2',
]
[tool.pytest.ini_options]
testpaths = ["tests", "integration"]
addopts = """
-q --strict-markers"""
minversion = 8
strict = true
[dependencies]
tokio = { version = "1", features = ["full"] }
"quoted.key" = "x\\ty"
[[bin]]
name = "a"
[[bin]]
name = "b"
`);
  assert.deepEqual(doc.errors, []);
  assert.equal(doc.tables.get('')!['title'], 'root');
  assert.deepEqual(doc.tables.get('project'), { name: 'inventory', version: '0.3.0', dependencies: ['fastapi>=0.110', 'pydantic>=2'] });
  assert.deepEqual(doc.tables.get('tool.pytest.ini_options'), {
    testpaths: ['tests', 'integration'], addopts: '-q --strict-markers', minversion: 8, strict: true,
  });
  assert.deepEqual(doc.tables.get('dependencies'), { tokio: { version: '1', features: ['full'] }, 'quoted.key': 'x\ty' });
  assert.equal(doc.tables.get('bin')!['name'], 'b');
});

test('a TOML line it cannot read is skipped with its line number, and the rest is still read', () => {
  const doc = parseToml('[project]\nname = "ok"\nbroken = [1, 2\nafter = "x"\n[tool.ruff]\nline-length = 100\n');
  assert.equal(doc.errors.length, 1);
  assert.equal(doc.errors[0]!.line, 3);
  assert.equal(doc.tables.get('project')!['name'], 'ok');
  assert.equal(doc.tables.get('tool.ruff')!['line-length'], 100);
});

test('INI sections, both separators, continuation lines and comments', () => {
  const doc = parseIni('; comment\n[tool:pytest]\ntestpaths =\n    tests\n    integration\npython_files: check_*.py\n# note\n[flake8]\nmax-line-length = 100\n');
  assert.equal(doc.get('tool:pytest')!.get('testpaths'), 'tests\nintegration');
  assert.deepEqual(iniList(doc.get('tool:pytest')!.get('testpaths')), ['tests', 'integration']);
  assert.equal(doc.get('tool:pytest')!.get('python_files'), 'check_*.py');
  assert.equal(doc.get('flake8')!.get('max-line-length'), '100');
});
