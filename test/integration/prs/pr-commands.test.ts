/**
 * `pr`, `prs`, `queue` and the free-form PR references end to end: the real app (createApp)
 * with memory adapters, a temp SQLite file, and the schema-validating fake GitHub over HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startPrHarness, type PrHarness } from '../../support/prs/harness.js';

let h: PrHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const URL = (n: number) => `https://github.com/docker-library/official-images/pull/${n}`;

async function ask(text: string, channel = '#docker-library'): Promise<string> {
  const before = h!.irc.sent.length;
  await h!.irc.inject(text, { channel });
  const replies = h!.irc.sent.slice(before).filter((m) => m.kind === 'reply');
  expect(replies.length).toBe(1);
  return replies[0]!.text;
}

/** PRs in every state, as GitHub would show them. */
function seedPrs(h: PrHarness) {
  const w = h.gh.world;
  const draft = w.openPr({ title: 'Update python (draft)', isDraft: true, files: ['library/python'], labels: ['library/python'] });
  const failing = w.openPr({ title: 'Update node', author: 'nodejs-bot', files: ['library/node'], labels: ['library/node'] });
  w.setChecks(failing, 'failure');
  const approved = w.openPr({ title: 'Update redis', files: ['library/redis'], labels: ['library/redis'] });
  w.setChecks(approved, 'success');
  w.review(approved, { author: 'tianon', state: 'APPROVED' });
  const changes = w.openPr({ title: 'Update golang', files: ['library/golang'], labels: ['library/golang'] });
  w.setChecks(changes, 'success');
  w.review(changes, { author: 'yosifkit', state: 'CHANGES_REQUESTED' });
  w.pushCommit(changes, { message: 'address review' });
  w.setChecks(changes, 'success');
  const merged = w.openPr({ title: 'Update busybox', files: ['library/busybox'] });
  w.setChecks(merged, 'success');
  w.merge(merged);
  const closed = w.openPr({ title: 'Update rust', files: ['library/rust'] });
  w.close(closed);
  const ready = w.openPr({ title: 'Update php <@U123> <!channel>', author: 'evil', files: ['library/php'], labels: ['library/php'] });
  w.setChecks(ready, 'success');
  w.setMergeable(ready, 'CONFLICTING');
  return { draft, failing, approved, changes, merged, closed, ready };
}

describe('pr <number>', () => {
  it('answers for PRs in every state, live from GitHub', async () => {
    h = await startPrHarness();
    const n = seedPrs(h);

    // Two lines: state, checks, review and mergeability with the link first; who, what, when after.
    const draft = await ask(`!pr ${n.draft}`);
    expect(draft.split('\n')).toEqual([
      `#${n.draft} Update python (draft): open, draft · no checks yet · no review yet · mergeable (draft) ${URL(n.draft)}`,
      expect.stringMatching(/^by docker-library-bot · images: python · labels: library\/python · opened \d+s ago, updated \d+s ago · 1 file \+3\/-1$/),
    ]);

    const failing = await ask(`!pr #${n.failing}`);
    expect(failing).toMatch(/^#\d+ Update node: open · checks failing \(Build and Test\) · no review yet · mergeable \(unstable\) /);
    expect(failing).toMatch(/^by nodejs-bot · images: node/m);

    const approved = await ask(`!pr ${URL(n.approved)}`);
    expect(approved).toMatch(/^#\d+ Update redis: open · checks passing · approved · mergeable https:/);
    expect(approved).toMatch(/ · no new commits since the last review · 1 file \+3\/-1 · reviews: tianon approved \d+s ago$/m);

    const changes = await ask(`!pr ${n.changes}`);
    expect(changes).toMatch(/^#\d+ Update golang: open · checks passing · changes requested · mergeable \(blocked\) https:/);
    expect(changes).toMatch(/ · diff changed since the last review · \d+ files? \+\d+\/-\d+ · reviews: yosifkit requested changes \d+s ago$/m);

    const merged = await ask(`!pr ${n.merged}`);
    expect(merged).toMatch(/^#\d+ Update busybox: merged \d+s ago · checks passing · no review yet https:/);
    expect(merged).not.toMatch(/mergeable/);

    const closed = await ask(`!pr ${n.closed}`);
    expect(closed).toMatch(/^#\d+ Update rust: closed without merging \d+s ago · /);
    expect(closed).toMatch(/^by docker-library-bot · images: rust/m);

    const conflicting = await ask(`!pr ${n.ready}`);
    expect(conflicting).toMatch(/merge conflicts/);

    expect(await ask('!pr 999')).toBe('There is no PR #999 in docker-library/official-images.');
    expect(await ask('!pr banana')).toMatch(/^"banana" is not a PR number or a docker-library\/official-images PR link/);
    expect(await ask('!pr https://github.com/someone/else/pull/3')).toMatch(/is not a PR number/);
  });

  it('bare #123 and PR links when addressed; not when not addressed', async () => {
    h = await startPrHarness();
    const n = seedPrs(h);
    expect((await ask(`#${n.approved}`)).split('\n')[0]).toBe(`#${n.approved} Update redis: open · checks passing · approved · mergeable ${URL(n.approved)}`);
    expect((await ask(URL(n.failing))).split('\n')[0]).toMatch(new RegExp(`^#${n.failing} Update node: open · checks failing`));
    const before = h.irc.sent.length;
    await h.irc.inject(`#${n.approved}`, { channel: '#docker-library', addressed: false });
    expect(h.irc.sent.length).toBe(before);
  });

  it('falls back to the stored snapshot when GitHub fails, and says so', async () => {
    h = await startPrHarness({ poll: true });
    const n = seedPrs(h);
    await h.app.announcements.poller!.tick();
    h.gh.faults.serverError(3, 502);
    const text = await ask(`!pr ${n.approved}`);
    // The answer says at once that it is the bot's record, not GitHub's word.
    expect(text.split('\n')[0]).toMatch(new RegExp(`^#${n.approved} Update redis: open · checks passing · approved.* \\(from the bot's record of \\d+s ago; GitHub did not answer\\) ${URL(n.approved)}$`));
    // Unknown to the bot and GitHub down: a clear answer, not a crash.
    h.gh.faults.serverError(3, 502);
    expect(await ask('!pr 4242')).toMatch(/GitHub is having trouble right now|GitHub did not answer/);
  });
});

describe('prs and queue', () => {
  it('lists open PRs newest activity first (live and from snapshots), per image, and the maintainer queue', async () => {
    h = await startPrHarness();
    const n = seedPrs(h);
    // No poll yet: answered live.
    const live = await ask('!prs');
    const lines = live.split('\n');
    expect(lines[0]).toBe('5 open PRs, newest activity first:');
    expect(lines.slice(1).map((l) => /^#(\d+)/.exec(l)![1])).toEqual([n.ready, n.changes, n.approved, n.failing, n.draft].map(String));
    expect(lines[1]).toMatch(new RegExp(`^#${n.ready} <${URL(n.ready)}> Update php <@U123> <!channel> · php · checks passing · no review yet · updated \\d+s ago$`));
    expect(live).toMatch(new RegExp(`^#${n.draft} <${URL(n.draft)}> Update python \\(draft\\) · python · draft · no checks yet`, 'm'));

    expect(await ask('!prs node')).toMatch(new RegExp(`^1 open PRs touching node, newest activity first:\\n#${n.failing} `));
    expect(await ask('!prs nginx')).toBe('No open PRs touching nginx in docker-library/official-images.');

    // With the events poller running, its stored snapshots answer, without a GitHub request.
    await h.close();
    h = await startPrHarness({ poll: true });
    const n2 = seedPrs(h);
    expect(n2).toEqual(n);
    await h.app.announcements.poller!.tick();
    const requests = h.gh.requests.length;
    const fromSnapshots = await ask('!prs');
    expect(fromSnapshots.split('\n')[0]).toMatch(/^5 open PRs, newest activity first \(as of the bot's last poll, \d+s ago\):$/);
    expect(fromSnapshots.split('\n').slice(1).map((l) => /^#(\d+)/.exec(l)![1])).toEqual(lines.slice(1).map((l) => /^#(\d+)/.exec(l)![1]));

    const queue = await ask('!queue');
    expect(h.gh.requests.length).toBe(requests);
    const q = queue.split('\n');
    expect(q[0]).toMatch(/^Waiting on maintainers: 1 ready for review \(checks green, no review yet\), 1 with failing checks, of 5 open PRs/);
    expect(q[1]).toMatch(new RegExp(`^ready: #${n.ready} <${URL(n.ready)}> Update php`));
    expect(q[2]).toMatch(new RegExp(`^failing: #${n.failing} <${URL(n.failing)}> Update node · node · checks failing \\(Build and Test\\)`));
    expect(q.length).toBe(3);
  });
});
