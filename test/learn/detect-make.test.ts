import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectMake } from '../../src/learn/detect-make.js';
import { chosen, repoWith } from './repo-with.js';

test('Makefile: check and all are used when test and build are absent, fmt for format, each with its line', (t) => {
  const detection = detectMake(repoWith(t, { Makefile: 'all:\n\tcc x.c\ncheck:\n\t./x\nfmt:\n\tclang-format -i *.c\ninstall:\n\tcp x /usr/bin\n' }))!;
  assert.deepEqual(chosen(detection), {
    test: 'make check <- Makefile line 3 (target check)',
    build: 'make all <- Makefile line 1 (target all)',
    format: 'make fmt <- Makefile line 5 (target fmt)',
  });
});

test('Makefile: an `all` that only runs the tests is not a build; a deps target is only a fallback install', (t) => {
  const detection = detectMake(repoWith(t, { Makefile: 'default: all\n\nall: test\n\ninstall_deps:\n\tgo get -v ./...\n\ntest: install_deps\n\tgo test ./...\n' }))!;
  assert.deepEqual(chosen(detection), {
    install: 'make install_deps <- Makefile line 5 (target install_deps)',
    test: 'make test <- Makefile line 8 (target test)',
  });
  assert.equal(detection.candidates.find((c) => c.kind === 'install')!.origin, 'fallback');
});

test('Makefile: targets of a literally included file count; an include built from a variable is skipped', (t) => {
  const detection = detectMake(repoWith(t, {
    Makefile: 'include Makefile.common\ninclude $(ROOT)/other.mk\n\nbuild:\n\tgo build\n',
    'Makefile.common': 'FOO := 1\n\nlint:\n\tgolangci-lint run\n',
  }))!;
  assert.deepEqual(chosen(detection), {
    build: 'make build <- Makefile line 4 (target build)',
    lint: 'make lint <- Makefile.common line 3 (target lint)',
  });
});

test('autotools: configure is the setup, make the build, make check the tests a Makefile.am declares', (t) => {
  const detection = detectMake(repoWith(t, {
    'configure.ac': 'AC_INIT([lib], [1.0])\nAM_INIT_AUTOMAKE\n',
    'Makefile.am': 'SUBDIRS = src test\n\nlint:\n\t./scripts/lint\n',
    'test/Makefile.am': 'SUBDIRS = suites\n\nTESTS = run-suites\n',
    Makefile: 'all:\n\t@echo "Please run ./configure first."\n',
  }))!;
  assert.deepEqual(chosen(detection), {
    install: 'autoreconf -fi && ./configure <- configure.ac (autotools: the Makefiles are generated)',
    test: "make check <- test/Makefile.am line 3 (TESTS; automake's check target)",
    build: 'make <- configure.ac (autotools)',
    lint: 'make lint <- Makefile.am line 3 (target lint)',
  });
  const withConfigure = detectMake(repoWith(t, { 'configure.ac': '', configure: '#!/bin/sh\n', 'Makefile.in': 'check: test\ntest:\n\t./example\n' }))!;
  assert.deepEqual(chosen(withConfigure), {
    install: './configure <- configure.ac (autotools: the Makefiles are generated)',
    test: 'make test <- Makefile.in line 2 (target test)',
    build: 'make <- configure.ac (autotools)',
  });
});
