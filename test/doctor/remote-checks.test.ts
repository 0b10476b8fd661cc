/** checkRemote: what git said, as one verdict with one fix (the stderr lines are git 2.39's own). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRemote } from '../../src/doctor/remote-checks.js';

const at = (access: Parameters<typeof checkRemote>[0]['access']) => checkRemote({ repo: 'app', path: '/w/app', remote: 'origin', access });

test('reachable: ok with the URL and the branches listed', () => {
  assert.deepEqual(at({ ok: true, url: 'git@host:app.git', heads: 3 }), { status: 'ok', name: 'remote app', detail: 'origin (git@host:app.git) answers `git ls-remote` from this machine: 3 branches' });
});

const failures: Array<{ what: string; url: string | null; error: string; timedOut?: boolean; detail: RegExp; fix: RegExp }> = [
  { what: 'no such remote', url: null, error: 'error: No such remote \'origin\'', detail: /^\/w\/app has no remote "origin"; workers clone/, fix: /^add it: git -C \/w\/app remote add origin </ },
  { what: 'ssh key refused', url: 'git@github.com:o/app.git', error: 'git@github.com: Permission denied (publickey). fatal: Could not read from remote repository.', detail: /refused this machine: git@github\.com: Permission denied/, fix: /^give this machine access to git@github\.com:o\/app\.git/ },
  { what: 'https without credentials', url: 'https://host/app.git', error: 'fatal: could not read Username for \'https://host\': terminal prompts disabled', detail: /refused this machine/, fix: /credential helper/ },
  { what: 'https 403', url: 'https://host/app.git', error: 'fatal: unable to access \'https://host/app.git/\': The requested URL returned error: 403', detail: /refused this machine/, fix: /give this machine access/ },
  { what: 'a path that is not there', url: '/missing/app.git', error: 'fatal: \'/missing/app.git\' does not appear to be a git repository fatal: Could not read from remote repository. Please make sure you have the correct access rights and the repository exists.', detail: /^origin \(\/missing\/app\.git\) cannot be reached: fatal: '\/missing\/app\.git' does not appear/, fix: /^check the URL and that this machine reaches its host; fix it with git -C \/w\/app remote set-url origin <url>$/ },
  { what: 'unknown host', url: 'https://nohost.invalid/app.git', error: 'fatal: unable to access \'https://nohost.invalid/app.git/\': Could not resolve host: nohost.invalid', detail: /cannot be reached: .*Could not resolve host/, fix: /^check the URL/ },
  { what: 'no answer', url: 'ssh://slow/app.git', error: '', timedOut: true, detail: /cannot be reached \(no answer in 30 s\)$/, fix: /^check the URL/ },
  { what: 'anything else', url: '/w/odd', error: 'fatal: protocol error: bad line length character', detail: /^`git ls-remote origin` \(\/w\/odd\) failed: fatal: protocol error/, fix: /^run git -C \/w\/app ls-remote origin and fix what it says$/ },
];
for (const f of failures) {
  test(`remote failure: ${f.what}`, () => {
    const check = at({ ok: false, url: f.url, error: f.error, timedOut: f.timedOut ?? false });
    assert.equal(check.status, 'fail');
    assert.equal(check.name, 'remote app');
    assert.match(check.detail, f.detail);
    assert.match(check.fix ?? '', f.fix);
  });
}
