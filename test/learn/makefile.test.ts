import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMakeTargets } from '../../src/learn/makefile.js';

const cases: [string, string, string[]][] = [
  ['plain targets in file order', 'build:\n\tcc x.c\ntest: build\n\t./x\n', ['build', 'test']],
  ['several targets on one rule line', 'lint fmt: \n\ttrue\n', ['lint', 'fmt']],
  ['double-colon rules', 'check::\n\ttrue\n', ['check']],
  ['an inline recipe after a semicolon', 'test: ; @echo ok\n', ['test']],
  ['pattern rules are skipped', '%.o: %.c\n\tcc -c $<\nall: x\n', ['all']],
  ['special targets are skipped', '.PHONY: test\n.DEFAULT_GOAL := all\nall:\n', ['all']],
  ['variable assignments of every flavour are skipped', 'CC := gcc\nX ::= 1\nY ?= 2\nZ += 3\nW != date\nV = 4\nall:\n', ['all']],
  ['target-specific variables do not define a rule', 'test: CFLAGS += -g\n', []],
  ['targets named by variables are skipped', '$(BIN): $(OBJ)\n\tcc\n${LIB}: x\n', []],
  ['file targets with a path are skipped', 'bin/app: main.o\n\tcc\n', []],
  ['recipe lines are not rules', 'all:\n\techo test: not a target\n', ['all']],
  ['define blocks are skipped', 'define HELP\nbuild: inside define\nendef\ntest:\n', ['test']],
  ['directives are skipped', 'include common.mk\nifeq ($(OS),Windows_NT)\nexport PATH:=x\nendif\nlint:\n', ['lint']],
  ['comments are skipped, even with a colon', '# test: in a comment\nbuild: # trailing: comment\n', ['build']],
  ['a colon inside $(...) is not the rule colon', 'OUT = $(SRC:.c=.o)\nall: $(SRC:.c=.o)\n', ['all']],
  ['continuation lines join the target list', 'test \\\n  check:\n\ttrue\n', ['test', 'check']],
  ['a target defined twice is listed once', 'test: a\ntest: b\n\ttrue\n', ['test']],
  ['CRLF line endings', 'build:\r\n\tcc\r\ntest:\r\n', ['build', 'test']],
];

for (const [name, text, expected] of cases) {
  test(`Makefile targets: ${name}`, () => {
    assert.deepEqual(parseMakeTargets(text), expected);
  });
}
