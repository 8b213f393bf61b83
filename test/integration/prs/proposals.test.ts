/**
 * `proposals` end to end: the real app with the schema-validating fake GitHub over HTTP, a PR
 * that adds a library file (no label yet), labelled proposals, ordinary update PRs that are not
 * proposals, and the GraphQL points each answer costs (one query, then the cache).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { maxTextBytes } from '../../../adapters/irc/split.js';
import { silentLogger } from '../../../src/core/log.js';
import { createGitHubClient } from '../../../src/github/client.js';
import { ProposalService } from '../../../src/proposals/service.js';
import { StepClock } from '../../support/events/step-clock.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { startPrHarness, type PrHarness } from '../../support/prs/harness.js';

let h: PrHarness | undefined;
let gh: FakeGitHub | undefined;
afterEach(async () => {
  await h?.close();
  await gh?.close();
  h = undefined;
  gh = undefined;
});

const URL = (n: number) => `https://github.com/docker-library/official-images/pull/${n}`;
const LIST_URL = 'https://github.com/docker-library/official-images/pulls?q=is%3Apr%20is%3Aopen%20label%3Anew-image%20sort%3Acreated-asc';
const IRC_ROOM = maxTextBytes('doi-bot', '#docker-library');

async function ask(text: string, opts: { addressed?: boolean } = {}): Promise<string> {
  const before = h!.irc.sent.length;
  await h!.irc.inject(text, { channel: '#docker-library', ...opts });
  const replies = h!.irc.sent.slice(before).filter((m) => m.kind === 'reply');
  expect(replies.length).toBe(1);
  const reply = replies[0]!.text;
  // A channel answer: at most two IRC lines, none split (so no link is cut).
  const lines = reply.split('\n');
  expect(lines.length).toBeLessThanOrEqual(2);
  for (const l of lines) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(IRC_ROOM);
  return reply;
}

const CHECKLIST = ['- [x] associated with or contacted upstream?', '- [x] available under an OSI-approved license?', '- [ ] does it fit into one of the common categories?', '- [ ] 2+ official-images maintainer dockerization review?'].join('\n');

function seed(h: PrHarness) {
  const w = h.gh.world;
  const bar = w.openPr({ title: 'Add bar', author: 'bar-dev', labels: ['new-image', 'library/bar'], files: [{ path: 'library/bar', changeType: 'ADDED' }], body: '- [x] one\n- [x] two\n- [x] three' });
  w.setChecks(bar, 'success');
  w.review(bar, { author: 'yosifkit', state: 'COMMENTED', association: 'COLLABORATOR' });
  const update = w.openPr({ title: 'Update python', labels: ['library/python'], files: ['library/python'] });
  w.setChecks(update, 'success');
  // Just opened: the labelling workflow has not run yet, but it adds library/foo.
  const foo = w.openPr({ title: 'Add foo <@U123>', author: 'foo-dev', files: [{ path: 'library/foo', changeType: 'ADDED' }, 'README.md'], body: `Checklist for review:\n\n${CHECKLIST}` });
  w.setChecks(foo, 'failure');
  w.comment(foo, { author: 'tianon', body: 'Thanks! A few notes.', association: 'MEMBER' });
  w.comment(foo, { author: 'passer-by', body: '+1 please merge', association: 'NONE' });
  return { bar, update, foo };
}

describe('proposals', () => {
  it('lists open new-image PRs (labelled, or adding a library file), count first, and costs one query per poll interval', async () => {
    h = await startPrHarness();
    const n = seed(h);
    const before = h.gh.pointsUsed();
    const requests = h.gh.requests.length;
    const text = await ask('!proposals');
    const first = h.gh.pointsUsed() - before;
    expect(h.gh.requests.length - requests).toBe(1);
    const [line1, line2] = text.split('\n');
    expect(line1).toMatch(
      new RegExp(
        `^2 new-image proposals open, oldest first: bar #${n.bar} \\(bar-dev, \\d+s, checklist 3/3, checks pass, maintainer \\d+s ago\\); ` +
          `foo #${n.foo} \\(foo-dev, \\d+s, checklist 2/4, checks fail, maintainer \\d+s ago\\)$`,
      ),
    );
    expect(line2).toBe(`All: ${LIST_URL}`);
    expect(text).not.toMatch(/python/);

    // The same question again within the poll interval: answered from the cache, no GitHub call.
    const again = await ask('what new images are proposed?');
    const ageless = (t: string) => t.replace(/\d+s\b/g, 'Ns');
    expect(ageless(again)).toBe(ageless(text));
    expect(h.gh.requests.length - requests).toBe(1);
    expect(h.gh.pointsUsed() - before).toBe(first);
    console.log(`proposals GraphQL points: first ${first}, cached 0`);
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThanOrEqual(3);
  });

  it('answers the status of one proposal: checklist, checks, last maintainer activity (not other commenters), link', async () => {
    h = await startPrHarness();
    const n = seed(h);
    const foo = await ask('status of the foo proposal?');
    expect(foo).toMatch(
      new RegExp(`^foo proposal: #${n.foo} by foo-dev, opened \\d+s ago · checklist 2/4 ticked · checks failing \\(Build and Test\\) · last maintainer activity: tianon commented \\d+s ago\\n${URL(n.foo)}$`),
    );
    const bar = await ask('!proposals bar');
    expect(bar).toMatch(/^bar proposal: .*checks passing · last maintainer activity: yosifkit reviewed \d+s ago/);
    // By PR number too; a PR that is no proposal is said to be none, with where to look.
    expect(await ask(`!proposals #${n.bar}`)).toBe(bar);
    expect(await ask(`!proposals ${n.bar}`)).toBe(bar);
    expect(await ask('!proposals 999')).toBe(`#999 is not an open new-image proposal in docker-library/official-images ("pr 999" says what it is): ${LIST_URL}`);
    expect(await ask('!proposals python')).toBe(`No open new-image proposal for python among the 2 open in docker-library/official-images: ${LIST_URL}`);
    expect(await ask('!proposals no/such/thing')).toMatch(/^"no\/such\/thing" is not an image name/);
    // "How do I propose" is a knowledge question, not a listing.
    const before = h.gh.requests.length;
    await h.irc.inject('how do I propose a new image?', { channel: '#docker-library' });
    expect(h.gh.requests.length).toBe(before);
  });

  it('caps a long queue to what fits two lines, finds one beyond the first page, and refetches after the poll interval', async () => {
    gh = await startFakeGitHub();
    gh.world.addRepository('docker-library/official-images', { files: { 'README.md': '# official images\n' } });
    for (let i = 0; i < 50; i++) gh.world.openPr({ title: `Add image${i}`, labels: ['new-image'], files: [{ path: `library/image${i}`, changeType: 'ADDED' }] });
    const clock = new StepClock(Date.now());
    const svc = new ProposalService({ repo: 'docker-library/official-images', pollSeconds: 60, clock, log: silentLogger(), graphql: createGitHubClient({ token: 't', url: gh.url, log: silentLogger() }) });
    const listing = await svc.list();
    expect(listing.total).toBe(50);
    // The 30 oldest from the labelled search and the 10 newest open PRs.
    expect(listing.proposals).toHaveLength(40);
    expect(listing.complete).toBe(false);
    expect(listing.proposals.map((p) => p.image).slice(0, 2)).toEqual(['image0', 'image1']);
    const { renderProposalList } = await import('../../../commands/proposals.js');
    const lines = renderProposalList(listing, svc.repo, clock.now()).lines;
    expect(lines).toHaveLength(2);
    const { lineToPlain } = await import('../../../src/core/richtext.js');
    expect(lineToPlain(lines[0]!)).toMatch(/^50 new-image proposals open, oldest first: image0 #1 .*; and \d+ more$/);
    expect(Buffer.byteLength(lineToPlain(lines[0]!))).toBeLessThanOrEqual(IRC_ROOM);

    const calls = gh.requests.length;
    const late = await svc.find('image35');
    expect(late.proposal?.number).toBe(36);
    expect(gh.requests.length).toBe(calls + 1);
    await svc.list();
    expect(gh.requests.length).toBe(calls + 1);
    clock.advance(61_000);
    await svc.list();
    expect(gh.requests.length).toBe(calls + 2);
  });
});
