import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectPython } from '../../src/learn/detect-python.js';
import { chosen, repoWith } from './repo-with.js';

test('python: uv.lock → uv sync and uv run pytest, ruff lint and ruff format from their pyproject tables', (t) => {
  const detection = detectPython(repoWith(t, {
    'pyproject.toml': '[project]\nname = "svc"\n\n[tool.pytest.ini_options]\nminversion = "8.0"\n\n[tool.ruff.format]\nquote-style = "double"\n',
    'uv.lock': '',
  }))!;
  assert.equal(detection.packageManager, 'uv');
  assert.deepEqual(chosen(detection), {
    install: 'uv sync <- uv.lock',
    test: 'uv run pytest <- pyproject.toml line 4 ([tool.pytest.ini_options])',
    lint: 'uv run ruff check . <- pyproject.toml line 7 ([tool.ruff])',
    format: 'uv run ruff format --check . <- pyproject.toml line 7 ([tool.ruff.format])',
  });
});

test('python: poetry.lock → poetry install and poetry run pytest from setup.cfg [tool:pytest], black from [tool.black]', (t) => {
  const detection = detectPython(repoWith(t, {
    'pyproject.toml': '[tool.poetry]\nname = "app"\n\n[tool.poetry.dependencies]\npython = "^3.11"\ndjango = "^5"\n\n[tool.poetry.group.dev.dependencies]\nfastapi = "*"\n\n[tool.black]\nline-length = 88\n',
    'poetry.lock': '',
    'setup.cfg': '[metadata]\nname = app\n\n[tool:pytest]\ntestpaths =\n    tests\n    integration\npython_files = check_*.py\n',
  }))!;
  assert.equal(detection.packageManager, 'poetry');
  assert.equal(detection.name, 'app');
  assert.deepEqual(chosen(detection), {
    install: 'poetry install <- poetry.lock',
    test: 'poetry run pytest <- setup.cfg line 4 ([tool:pytest])',
    format: 'poetry run black --check . <- pyproject.toml line 11 ([tool.black])',
  });
  assert.deepEqual(detection.testPatterns, ['tests/**', 'integration/**', 'check_*.py']);
  assert.deepEqual(detection.frameworks, ['django', 'fastapi']);
});

test('python: a tox env named like a test suite wins over pytest; lint and format envs are used by name', (t) => {
  const detection = detectPython(repoWith(t, {
    'tox.ini': '[tox]\nenvlist = tests, lint\n\n[testenv:tests]\ncommands = pytest\n\n[testenv:lint]\ncommands = ruff check .\n\n[testenv:format]\ncommands = black .\n\n[pytest]\naddopts = -q\n',
    'setup.py': 'from setuptools import setup\nsetup()\n',
  }))!;
  assert.deepEqual(chosen(detection), {
    install: 'pip install -e . <- setup.py',
    test: 'tox -e tests <- tox.ini line 4 ([testenv:tests])',
    lint: 'tox -e lint <- tox.ini line 7 ([testenv:lint])',
    format: 'tox -e format <- tox.ini line 10 ([testenv:format])',
  });
});

test('python: with only interpreter envs, the tests run as tox -e py (the base testenv on this machine)', (t) => {
  const detection = detectPython(repoWith(t, { 'tox.ini': '[tox]\nenvlist = py{310,311,312}-pytest{7,8}, docs\n\n[testenv]\ncommands = pytest {posargs}\n' }))!;
  assert.equal(chosen(detection)['test'], "tox -e py <- tox.ini line 4 ([testenv]; -e py runs it on this machine's Python)");
  const envlistOnly = detectPython(repoWith(t, { 'tox.ini': '[tox]\nenvlist = docs\n' }))!;
  assert.equal(chosen(envlistOnly)['test'], 'tox <- tox.ini line 1 (envlist docs)');
});

test('python: a tox.ini holding only [flake8] and [pytest] settings is not a tox setup', (t) => {
  const detection = detectPython(repoWith(t, { 'tox.ini': '[flake8]\nmax-line-length = 99\n\n[pytest]\naddopts = -q\n' }))!;
  assert.deepEqual(chosen(detection), {
    test: 'pytest <- tox.ini line 4 ([pytest])',
    lint: 'flake8 <- tox.ini line 1 ([flake8])',
  });
});

test('python: tox configured in pyproject.toml, natively or as legacy_tox_ini, and in tox.toml', (t) => {
  const native = detectPython(repoWith(t, {
    'pyproject.toml': '[project]\nname = "x"\n\n[tool.tox]\nenv_list = ["3.12", "lint"]\n\n[tool.tox.env_run_base]\ncommands = [["pytest"]]\n\n[tool.tox.env.lint]\ncommands = [["ruff", "check"]]\n',
    'uv.lock': '',
  }))!;
  assert.deepEqual(chosen(native), {
    install: 'uv sync <- uv.lock',
    test: "uv run tox -e py <- pyproject.toml line 7 ([tool.tox.env_run_base]; -e py runs it on this machine's Python)",
    lint: 'uv run tox -e lint <- pyproject.toml line 10 ([tool.tox.env.lint])',
  });
  const legacy = detectPython(repoWith(t, {
    'pyproject.toml': '[build-system]\nrequires = ["setuptools"]\n\n[tool.tox]\nlegacy_tox_ini = """\n[tox]\nenvlist = py311\n\n[testenv]\ncommands = pytest\n"""\n',
  }))!;
  assert.equal(chosen(legacy)['test'], "tox -e py <- pyproject.toml line 9 ([testenv]; -e py runs it on this machine's Python)");
  const toxToml = detectPython(repoWith(t, { 'tox.toml': 'env_list = ["py312"]\n\n[env_run_base]\ncommands = [["pytest"]]\n', 'setup.py': '' }))!;
  assert.equal(chosen(toxToml)['test'], "tox -e py <- tox.toml line 3 ([env_run_base]; -e py runs it on this machine's Python)");
});

test('python: nox sessions named like a test suite, a linter and a formatter', (t) => {
  const noxfile = 'import nox\n\n@nox.session(python=["3.11", "3.12"])\ndef tests(session):\n    session.run("pytest")\n\n@nox.session(name="lint")\ndef run_linters(session):\n    session.run("ruff", "check")\n';
  const detection = detectPython(repoWith(t, { 'noxfile.py': noxfile, 'requirements.txt': 'nox\n' }))!;
  assert.deepEqual(chosen(detection), {
    install: 'pip install -r requirements.txt <- requirements.txt',
    test: 'nox -s tests <- noxfile.py line 3 (session tests)',
    lint: 'nox -s lint <- noxfile.py line 7 (session lint)',
  });
});

test('python: pytest.ini alone → pytest; a test extra → pip install -e .[test]; pytest as a dependency', (t) => {
  const ini = detectPython(repoWith(t, { 'pytest.ini': '[pytest]\naddopts = -q\n' }))!;
  assert.equal(chosen(ini)['test'], 'pytest <- pytest.ini line 1 ([pytest])');
  const extra = detectPython(repoWith(t, {
    'pyproject.toml': '[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "lib"\n\n[project.optional-dependencies]\ntest = ["pytest"]\n',
  }))!;
  assert.deepEqual(chosen(extra), {
    install: "pip install -e '.[test]' <- pyproject.toml [build-system]",
    test: 'pytest <- pytest is a declared dependency',
  });
});

test('python: a pyproject.toml that is not TOML is reported with its line and not used', (t) => {
  const detection = detectPython(repoWith(t, { 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["a",\n[tool.ruff]\n' }))!;
  assert.equal(detection.name, undefined);
  assert.deepEqual(chosen(detection), {});
  assert.match(detection.notes[0]!, /^pyproject\.toml line \d+ is not valid TOML \(.+\); its settings were not used\.$/);
});

test('python: a folder without Python manifests is not a Python project', (t) => {
  assert.equal(detectPython(repoWith(t, { 'main.py': 'print(1)\n' })), null);
});
