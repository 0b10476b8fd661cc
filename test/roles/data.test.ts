import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DISCIPLINES } from '../../src/roles/disciplines.js';
import { DISCIPLINE_SECTIONS, disciplineDataDir, parseDisciplineFile, type Discipline } from '../../src/roles/catalog.js';

const dir = disciplineDataDir();
const parsed: Discipline[] = DISCIPLINES.map((info) => {
  const file = join(dir, `${info.name}.md`);
  return parseDisciplineFile(file, readFileSync(file, 'utf8'));
});

const wordCount = (text: string): number => text.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
const sectionText = (prompt: string, heading: string): string => {
  const start = prompt.indexOf(`## ${heading}\n`);
  assert.ok(start >= 0, `missing section ${heading}`);
  const rest = prompt.slice(start + heading.length + 4);
  const end = rest.indexOf('\n## ');
  return (end < 0 ? rest : rest.slice(0, end)).trim();
};
const normalize = (text: string): string => text.toLowerCase().replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();

test('the data folder holds exactly one file per discipline in disciplines.ts', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  assert.deepEqual(files, DISCIPLINES.map((d) => `${d.name}.md`).sort());
  assert.equal(files.length, 27);
});

for (const [i, d] of parsed.entries()) {
  const info = DISCIPLINES[i]!;

  test(`${info.name}: front matter agrees with disciplines.ts and has a one-line summary`, () => {
    assert.equal(d.name, info.name);
    assert.equal(d.title, info.title);
    assert.equal(d.provider, info.provider);
    assert.ok(!d.summary.includes('\n'));
    assert.ok(d.summary.length >= 30 && d.summary.length <= 140, `summary is ${d.summary.length} characters`);
  });

  test(`${info.name}: the body has the four sections, a numbered loop and bullet lists`, () => {
    const headings = [...d.prompt.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(headings, [...DISCIPLINE_SECTIONS]);
    assert.ok(d.prompt.startsWith('## Who you are'));
    assert.ok(wordCount(sectionText(d.prompt, 'Who you are')) >= 40);
    const steps = sectionText(d.prompt, 'How you work').split('\n');
    assert.ok(steps.length >= 5, 'the operating loop has at least five steps');
    steps.forEach((line, n) => assert.match(line, new RegExp(`^${n + 1}\\. \\S`), `step ${n + 1} is numbered in order`));
    for (const heading of ['Definition of done', 'Guardrails']) {
      const items = sectionText(d.prompt, heading).split('\n');
      assert.ok(items.length >= 3, `${heading} has at least three items`);
      for (const item of items) assert.match(item, /^- \S/, `${heading} is a bullet list`);
    }
  });

  test(`${info.name}: the prompt is between 250 and 600 words`, () => {
    const words = wordCount(d.prompt);
    assert.ok(words >= 250 && words <= 600, `${words} words`);
  });

  test(`${info.name}: the prompt never tells the agent to open pull requests, push, switch branches or write a board`, () => {
    const forbidden = [
      /pull request/i, /\bopen (a |an )?PR\b/i, /\bmerge request\b/i, /\bpush\b/i, /\bbranch(es)?\b/i,
      /\bcheckout\b/i, /\bboard\b/i, /events\.jsonl/, /\.loop\//, /git (reset|rebase|clean|stash)/i,
    ];
    for (const pattern of forbidden) assert.doesNotMatch(`${d.summary}\n${d.prompt}`, pattern);
  });
}

type Unit = (prompt: string) => string[];
const paragraphs: Unit = (prompt) => prompt.split(/\n\s*\n/).map(normalize).filter((b) => b !== '' && !b.startsWith('## '));
/** List items and other lines long enough to be a sentence, numbering and bullets removed. */
const sentenceLines: Unit = (prompt) =>
  prompt.split('\n').map((l) => normalize(l.replace(/^(\d+\.|-)\s+/, ''))).filter((l) => l.split(' ').length >= 6);

/** Every unit of text that appears in more than one prompt, as "a / b: text". */
function sharedText(prompts: readonly Discipline[], unit: Unit): string[] {
  const owners = new Map<string, string>();
  const shared: string[] = [];
  for (const d of prompts) {
    for (const text of new Set(unit(d.prompt))) {
      const owner = owners.get(text);
      if (owner !== undefined) shared.push(`${owner} / ${d.name}: ${text.slice(0, 80)}`);
      else owners.set(text, d.name);
    }
  }
  return shared;
}

test('no paragraph is shared between two discipline prompts', () => {
  assert.deepEqual(sharedText(parsed, paragraphs), []);
});

test('no list item or sentence-length line is shared between two discipline prompts', () => {
  assert.deepEqual(sharedText(parsed, sentenceLines), []);
});

test('the duplicate checks catch a paragraph or a line copied into a second prompt', () => {
  const [first, second] = parsed as [Discipline, Discipline];
  const copiedParagraph = sectionText(first.prompt, 'Who you are');
  const withParagraph = { ...second, prompt: `${second.prompt}\n\n${copiedParagraph}` };
  assert.equal(sharedText([first, withParagraph], paragraphs).length, 1);
  const copiedLine = sectionText(first.prompt, 'Guardrails').split('\n')[0]!;
  const withLine = { ...second, prompt: `${second.prompt}\n${copiedLine}` };
  assert.equal(sharedText([first, withLine], sentenceLines).length, 1);
  assert.equal(sharedText([first, withLine], paragraphs).length, 0, 'a line glued onto a list is not a whole shared paragraph');
});

const mustMention: Record<string, RegExp[]> = {
  dba: [/down migration|reversal/i, /CONCURRENTLY/, /lock_timeout|lock/i, /index/i, /DROP|TRUNCATE/],
  accessibility: [/WCAG 2\.2/, /4\.5:1/, /focus order/i, /keyboard/i, /native/i, /ARIA/],
  security: [/threat/i, /trust boundar/i, /authori[sz]ation/i, /secret/i, /parameteri[sz]ed/i],
  scout: [/read-only/i, /file:line/],
  'test-automation': [/determinis/i, /sleep/i],
  refactoring: [/behaviou?r/i, /characteri[sz]ation tests/i],
  release: [/semantic versioning/i, /changelog/i, /Never publish/i],
  cloud: [/least privilege/i, /Never run `apply`/],
  i18n: [/plural/i, /right-to-left/i],
};

for (const [name, patterns] of Object.entries(mustMention)) {
  test(`${name}: the prompt covers what a senior practitioner of the discipline checks`, () => {
    const d = parsed.find((p) => p.name === name);
    assert.ok(d, name);
    for (const pattern of patterns) assert.match(d.prompt, pattern);
  });
}
