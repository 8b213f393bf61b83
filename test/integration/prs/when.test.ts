/**
 * `when <image> <version>` and the free-form question end to end: the image's own repository
 * (versions.json on the fake GitHub), official-images PRs (fake GitHub search), Docker Hub per
 * architecture (fake Hub), and estimates from what the events pipeline observed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startPrHarness, type PrHarness } from '../../support/prs/harness.js';
import { PYTHON_V1, PYTHON_V2, hubTag } from '../../support/events/harness.js';
import { LINE_BYTES } from '../../../commands/catalog-fit.js';

let h: PrHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const versionsJson = (v: string) => JSON.stringify({ '3.14': { version: v, variants: ['trixie', 'slim-trixie'] }, '3.13': { version: '3.13.15' } }, null, 2);

async function ask(text: string, channel = '#general'): Promise<string> {
  const before = h!.irc.sent.length;
  await h!.irc.inject(text, { channel });
  const replies = h!.irc.sent.slice(before).filter((m) => m.kind === 'reply');
  expect(replies.length).toBe(1);
  // Every `when` answer is at most two lines, each one IRC message in a channel.
  const lines = replies[0]!.text.split('\n');
  expect(lines.length).toBeLessThanOrEqual(2);
  for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(LINE_BYTES);
  return replies[0]!.text;
}

/** Hub images for bashbrew arches (os/architecture/variant as Hub shows them). */
const PLATFORM: Record<string, { os: string; architecture: string; variant?: string }> = {
  amd64: { os: 'linux', architecture: 'amd64' },
  arm32v5: { os: 'linux', architecture: 'arm', variant: 'v5' },
  arm32v6: { os: 'linux', architecture: 'arm', variant: 'v6' },
  arm32v7: { os: 'linux', architecture: 'arm', variant: 'v7' },
  arm64v8: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  i386: { os: 'linux', architecture: '386' },
  ppc64le: { os: 'linux', architecture: 'ppc64le' },
  riscv64: { os: 'linux', architecture: 'riscv64' },
  s390x: { os: 'linux', architecture: 's390x' },
  'windows-amd64': { os: 'windows', architecture: 'amd64' },
};
function publish(h: PrHarness, tag: string, arches: readonly string[]) {
  h.hub.world.setTag('python', tag, {
    digest: `sha256:${'ab'.repeat(32)}`,
    images: arches.map((a, i) => ({ ...PLATFORM[a]!, digest: `sha256:${String(i).repeat(64)}` })),
  });
}

describe('when <image> <version>', () => {
  it('follows a version through each pipeline stage', async () => {
    h = await startPrHarness();
    const w = h.gh.world;
    w.addRepository('docker-library/python', { files: { 'versions.json': versionsJson('3.14.7'), '3.14/trixie/Dockerfile': 'ENV PYTHON_VERSION 3.14.7\n' } });
    const catalog = await h.app.catalog.get();
    const lineArches = catalog.tag('python', '3.14')!.architectures;

    // Nothing has started.
    expect(await ask('!when python 3.14.8')).toBe(
      'python 3.14.8: nothing has started yet: docker-library/python does not name it (checked versions.json); no official-images PR names it; Docker Hub has no python:3.14.8 tag.',
    );

    // In the image's own repository only.
    w.commitFiles('docker-library/python', { 'versions.json': versionsJson('3.14.8'), '3.14/trixie/Dockerfile': 'ENV PYTHON_VERSION 3.14.8\n' }, 'Update 3.14 to 3.14.8');
    let text = await ask('!when python 3.14.8');
    let lines = text.split('\n');
    expect(lines[0]).toBe('python 3.14.8: in docker-library/python only; no official-images PR yet. Rough estimate: PR opened, merge, publish: no estimate yet (0 samples)');
    expect(lines[1]).toMatch(
      /^source: docker-library\/python versions\.json names it since \d+s ago https:\/\/github\.com\/docker-library\/python\/blob\/master\/versions\.json · no official-images PR names 3\.14\.8 yet https:\/\/github\.com\/docker-library\/official-images\/pulls\?q=\S+ · Docker Hub: no python:3\.14\.8 tag yet$/,
    );

    // An official-images PR names it (in its body, as docker-library's bot writes them).
    const n = w.openPr({
      title: 'Update python',
      body: 'Changes:\n\n- https://github.com/docker-library/python/commit/abc: Update 3.14 to 3.14.8',
      files: ['library/python'],
      labels: ['library/python'],
    });
    // A PR naming only 3.14.80 must not count.
    w.openPr({ title: 'Update python to 3.14.80', files: ['library/python'] });
    w.setChecks(n, 'failure');
    text = await ask('!when python 3.14.8');
    lines = text.split('\n');
    expect(lines[0]).toBe('python 3.14.8: in review: official-images PR #1 is open; checks failing (Build and Test); no review yet. Rough estimate: merge, publish: no estimate yet (0 samples)');
    expect(lines[1]).toMatch(/^PR #1 <https:\/\/github\.com\/docker-library\/official-images\/pull\/1> open \d+s ago: Update python · source: docker-library\/python versions\.json names it since \d+s ago \S+ · Docker Hub: no python:3\.14\.8 tag yet$/);
    w.review(n, { author: 'tianon', state: 'APPROVED' });
    expect((await ask('!when python 3.14.8')).split('\n')[0]).toMatch(/PR #1 is open; checks failing \(Build and Test\); approved\./);

    // Merged: waiting for the build.
    w.merge(n);
    text = await ask('!when python 3.14.8');
    lines = text.split('\n');
    expect(lines[0]).toMatch(/^python 3\.14\.8: merged in official-images PR #1 \d+s ago; not on Docker Hub yet, waiting for the build and push\. Rough estimate: publish: no estimate yet \(0 samples\)$/);
    expect(lines[1]).toMatch(/^PR #1 <\S+> merged \d+s ago: Update python · source: /);

    // Published on some architectures, then on all of them.
    publish(h, '3.14.8', ['amd64', 'arm64v8']);
    text = await ask('!when python 3.14.8');
    lines = text.split('\n');
    const pending = lineArches.filter((a) => a !== 'amd64' && a !== 'arm64v8');
    expect(lines[0]!.replace(/\d+s ago/, 'Ns ago')).toBe(
      `python 3.14.8: on Docker Hub since Ns ago for 2 of ${lineArches.length} architectures, still building: ${pending.join(', ')}; digest sha256:${'ab'.repeat(6)}. Rough estimate: publish: no estimate yet (0 samples)`,
    );
    // The Hub link first in line 2, whole.
    expect(lines[1]).toMatch(/^https:\/\/hub\.docker\.com\/_\/python\/tags\?name=3\.14\.8 · PR #1 <\S+> merged \d+s ago: Update python · source: /);

    publish(h, '3.14.8', lineArches);
    text = await ask('!when python 3.14.8');
    lines = text.split('\n');
    expect(lines[0]!.replace(/\d+s ago/, 'Ns ago')).toBe(`python 3.14.8: on Docker Hub since Ns ago for ${lineArches.length} architectures; digest sha256:${'ab'.repeat(6)}`);
    expect(text).not.toContain('pending');

    // A version the manifest already lists, with no PR: its tags, and every arch published.
    const tagged = catalog.tag('python', '3.14.7')!;
    publish(h, '3.14.7', tagged.architectures);
    text = await ask('!when python:3.14.7');
    lines = text.split('\n');
    expect(lines[0]!.replace(/\d+s ago/, 'Ns ago')).toBe(`python 3.14.7: on Docker Hub since Ns ago for ${tagged.architectures.length} architectures; digest sha256:${'ab'.repeat(6)}`);
    expect(lines[1]).toMatch(/^https:\/\/hub\.docker\.com\/_\/python\/tags\?name=3\.14\.7 · also tagged 3\.14\.7-trixie, 3\.14-trixie, .* and \d+ more · library\/python lists it/);

    // The repo -> PR delay of 3.14.8 was observed: it now feeds the estimate for the next one.
    w.commitFiles('docker-library/python', { 'versions.json': versionsJson('3.14.9') }, 'Update 3.14 to 3.14.9');
    expect((await ask('!when python 3.14.9')).split('\n')[0]).toMatch(/PR opened ~\d+s after the source repo \(median of 1 observed\)/);
  });

  it('answers free-form questions, unknown images and versions, and bad input', async () => {
    h = await startPrHarness();
    h.gh.world.addRepository('docker-library/python', { files: { 'versions.json': versionsJson('3.14.8') } });
    const ages = (t: string) => t.replace(/\d+s ago/g, 'Ns ago');
    const direct = ages(await ask('!when python 3.14.8'));
    expect(direct).toMatch(/^python 3\.14\.8: in docker-library\/python only/);
    expect(ages(await ask('when will python 3.14.8 be available?'))).toBe(direct);
    expect(ages(await ask('when is python 3.14.8 out'))).toBe(direct);
    expect(await ask('!when pythn 3.14.8')).toBe('No official image "pythn". Did you mean python?');
    expect(await ask('!when python banana')).toMatch(/^"banana" does not look like a version number/);
    expect(await ask('!when python')).toMatch(/^Which version of python\?/);
    expect(await ask('!when python 99.0')).toMatch(/^python 99\.0: nothing has started yet/);
    expect(await ask('when is lunch 12.30')).toBe('No official image "lunch".');
    expect(await ask('when will it be ready')).toMatch(/^I did not find an image and a version in that/);
    // GitHub down: each step says what could not be checked, nothing crashes.
    h.gh.faults.serverError(10, 502);
    const down = await ask('!when python 3.14.8');
    expect(down).toMatch(/not checked \(GitHub is having trouble right now\)/);
  });

  it('a source repository it cannot see is unknown, not a sign that nothing has started', async () => {
    h = await startPrHarness();
    // GitHub answers, but does not show docker-library/python (renamed, private, or a token without access).
    const text = await ask('!when python 3.14.8');
    expect(text).toBe(
      'python 3.14.8: not seen where I could look, and part of the pipeline is unknown: source repo not checked (GitHub does not show docker-library/python); no official-images PR names it; Docker Hub has no python:3.14.8 tag.',
    );
  });

  it('says what it knows and what it does not: superseded versions, Hub down, GitHub down', async () => {
    h = await startPrHarness();
    h.gh.world.addRepository('docker-library/python', { files: { 'versions.json': versionsJson('3.14.7') } });
    // library/python lists 3.14.7 (the bundled snapshot): an older 3.14 patch is superseded.
    expect(await ask('!when python 3.14.2')).toBe('python 3.14.2: superseded: library/python is at 3.14.7, so 3.14.2 will not be built again.');
    publish(h, '3.14.2', ['amd64']);
    expect(await ask('!when python 3.14.2')).toBe('python 3.14.2: superseded: library/python is at 3.14.7, so 3.14.2 will not be built again; Docker Hub still has python:3.14.2, but it gets no updates.');

    // Merged, but Docker Hub is unreachable: its state is unknown, not "waiting for the build".
    const n = h.gh.world.openPr({ title: 'Update python to 3.14.8', files: ['library/python'], labels: ['library/python'] });
    h.gh.world.merge(n);
    await h.hub.faults.refuseConnections();
    const merged = await ask('!when python 3.14.8');
    expect(merged.split('\n')[0]).toMatch(/^python 3\.14\.8: merged in official-images PR #\d+ \d+s ago; Docker Hub state unknown \(Docker Hub is unreachable\), so whether it is built and pushed is unknown\./);
    expect(merged).not.toContain('waiting for the build');

    // GitHub down too: nothing can be said to have "not started".
    h.gh.faults.serverError(10, 502);
    const down = await ask('!when python 3.14.9');
    expect(down).toMatch(/^python 3\.14\.9: not seen where I could look, and part of the pipeline is unknown: /);
    expect(down).toContain('official-images PR state unknown (GitHub is having trouble right now)');
    expect(down).toContain('Docker Hub state unknown (Docker Hub is unreachable)');
    expect(down).not.toContain('nothing has started');
  });

  it('estimates from what the events pipeline observed: PR opened -> merged -> published', async () => {
    h = await startPrHarness({ poll: true, officialImages: { 'library/python': PYTHON_V1 } });
    const w = h.gh.world;
    const poller = h.app.announcements.poller!;
    const n = w.openPr({ title: 'Update python', files: ['library/python'], labels: ['library/python'], changes: { 'library/python': PYTHON_V2 } });
    await poller.tick();
    w.merge(n);
    await poller.tick();
    const mergedAt = Date.parse(w.pr(n).mergedAt!);
    for (const tag of ['3.14.2', '3.14', '3', 'latest']) h.hub.world.setTag('python', tag, hubTag(`sha256:cc${tag}`, ['amd64', 'arm64v8', 'ppc64le'], mergedAt + 1000));
    await h.app.announcements.pollHub();
    const est = h.app.prs.estimates('python');
    expect(est.map((e) => [e.step, e.samples])).toEqual([
      ['repo-to-pr', 0],
      ['pr-to-merge', 1],
      ['merge-to-publish', 1],
    ]);
    h.gh.world.addRepository('docker-library/python', { files: { 'versions.json': versionsJson('3.14.8') } });
    const first = (await ask('!when python 3.14.8')).split('\n')[0]!;
    expect(first).toMatch(/merge ~\d+s after the PR opens \(median of 1 observed\); publish ~\d+s after the merge \(median of 1 observed\); PR opened: no estimate yet \(0 samples\)$/);
  });
});
