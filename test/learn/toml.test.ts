import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readToml, tomlAt, tomlHeaderLine, tomlString, tomlStrings, tomlTable } from '../../src/learn/toml.js';
import { iniList, parseIni } from '../../src/learn/ini.js';

test('TOML through smol-toml: tables, dotted headers, strings, numbers, booleans, arrays, inline and array tables', () => {
  const read = readToml(`
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
released = 2024-05-27
[dependencies]
tokio = { version = "1", features = ["full"] }
"quoted.key" = "x\\ty"
[[bin]]
name = "a"
[[bin]]
name = "b"
`);
  assert.ok(read.ok);
  const doc = read.doc;
  assert.equal(tomlString(tomlAt(doc, 'title')), 'root');
  assert.equal(tomlString(tomlAt(doc, 'project.name')), 'inventory');
  assert.deepEqual(tomlStrings(tomlAt(doc, 'project.dependencies')), ['fastapi>=0.110', 'pydantic>=2']);
  const pytest = tomlTable(tomlAt(doc, 'tool.pytest.ini_options'))!;
  assert.deepEqual(tomlStrings(pytest['testpaths']), ['tests', 'integration']);
  assert.equal(pytest['addopts'], '-q --strict-markers');
  assert.equal(pytest['minversion'], 8);
  assert.equal(pytest['strict'], true);
  assert.equal(tomlTable(pytest['released']), undefined, 'a date is not a table');
  assert.deepEqual(tomlStrings(tomlAt(doc, 'dependencies.tokio.features')), ['full']);
  assert.equal(tomlString(tomlTable(tomlAt(doc, 'dependencies'))!['quoted.key']), 'x\ty');
  assert.deepEqual((tomlAt(doc, 'bin') as { name: string }[]).map((bin) => bin.name), ['a', 'b']);
  assert.equal(tomlAt(doc, 'project.name.more'), undefined, 'a path through a string ends');
});

test('TOML that does not parse is an error with its line, not a partial read', () => {
  assert.deepEqual(readToml('[project]\nname = "ok"\nbroken = [1, 2\nafter = "x"\n'), {
    ok: false, line: 4, message: 'expected comma or end of structure',
  });
  assert.equal(readToml('[a]\nx = 1\n[a]\n').ok, false, 'a table defined twice is invalid TOML');
});

test('tomlHeaderLine finds a table header or its first subtable, and nothing for dotted keys', () => {
  const text = '[project]\nname = "x"\n\n[tool.ruff.lint]\nselect = ["E"]\n\n[[tool.tox.env]]\n';
  assert.equal(tomlHeaderLine(text, 'project'), 1);
  assert.equal(tomlHeaderLine(text, 'tool.ruff'), 4);
  assert.equal(tomlHeaderLine(text, 'tool.tox.env'), 7);
  assert.equal(tomlHeaderLine('tool.ruff.line-length = 100\n', 'tool.ruff'), undefined);
});

test('INI sections, both separators, continuation lines and comments', () => {
  const doc = parseIni('; comment\n[tool:pytest]\ntestpaths =\n    tests\n    integration\npython_files: check_*.py\n# note\n[flake8]\nmax-line-length = 100\n');
  assert.equal(doc.get('tool:pytest')!.get('testpaths'), 'tests\nintegration');
  assert.deepEqual(iniList(doc.get('tool:pytest')!.get('testpaths')), ['tests', 'integration']);
  assert.equal(doc.get('tool:pytest')!.get('python_files'), 'check_*.py');
  assert.equal(doc.get('flake8')!.get('max-line-length'), '100');
  assert.equal(doc.get('tool:pytest')!.line, 2);
  assert.equal(doc.get('flake8')!.line, 8);
  assert.equal(doc.get('tool:pytest')!.keyLines.get('python_files'), 6);
});
