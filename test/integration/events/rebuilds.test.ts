/**
 * Rebuild detection against the fake Hub: a few tag listings per pass in rotation over the
 * subscribed images, new digests without a library change held for a window and announced as
 * rebuilds (one roll-up when many), and a digest change explained by a library change left to
 * the publish tracker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { hubTag, NODE_V1, PYTHON_V1, PYTHON_V2, startHarness, type Harness } from '../../support/events/harness.js';
import { StepClock } from '../../support/events/step-clock.js';

let h: Harness | undefined;
let gh: FakeGitHub | undefined;
afterEach(async () => {
  await h?.close();
  await gh?.close();
  h = undefined;
  gh = undefined;
});

const MIN = 60_000;
const OTHERS = ['golang', 'nginx', 'redis', 'ruby'];
const manifest = (image: string) => `Maintainers: X (@x)\nGitRepo: https://github.com/x/${image}.git\n\nTags: 1.0, 1\nArchitectures: amd64, arm64v8\nGitCommit: ${'5'.repeat(40)}\nDirectory: 1\n`;
const TAGS: Record<string, string[]> = { python: ['3.14.1', '3.14'], node: ['24.1.0', '24'], golang: ['1.0', '1'], nginx: ['1.0', '1'], redis: ['1.0', '1'], ruby: ['1.0', '1'] };
const noRef = (s: string) => s.replace(/ \(ref [0-9a-z]{6}\)/g, '');

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('rebuild detection', () => {
  it('notices new digests with no library change, within a small Hub budget, and rolls a refresh storm up', async () => {
    const clock = new StepClock(Date.UTC(2030, 0, 15, 6, 0));
    gh = await startFakeGitHub({ now: () => clock.now() });
    const files: Record<string, string> = { 'library/python': PYTHON_V1, 'library/node': NODE_V1 };
    for (const i of OTHERS) files[`library/${i}`] = manifest(i);
    gh.world.addRepository('docker-library/official-images', { files });
    h = await startHarness({
      gh,
      clock,
      subscriptions: [
        // node is in the tree but nobody subscribed to its publishes: never looked at.
        { channel: 'irc:#docker-library', images: ['python', ...OTHERS], events: ['image.published'] },
        { channel: 'irc:#python', images: ['python'], events: ['image.published'] },
        { channel: 'irc:#node', images: ['node'], events: ['pr.*'] },
      ],
      tuning: { rebuilds: { checksPerPass: 2, windowMs: 10 * MIN, rollupAt: 4 } },
    });
    const { pipeline, poller, pollHub, rebuilds } = h.app.announcements;
    await until(() => pipeline.events.source(poller!.source).baselineAt !== undefined, 'the baseline poll');
    const hubWorld = h.hub.world;
    const setDigests = (image: string, d: string) => {
      for (const tag of TAGS[image]!) hubWorld.setTag(image, tag, hubTag(`sha256:${d}${image}${tag}`, ['amd64', 'arm64v8'], clock.now()));
    };
    for (const image of Object.keys(TAGS)) setDigests(image, 'a');
    expect(rebuilds!.watched()).toEqual(['golang', 'nginx', 'python', 'redis', 'ruby']);

    // First sight of every watched image: recorded, nothing announced; two listings per pass.
    const listings = () => h!.hub.requests.filter((r) => /\/tags$/.test(r.path)).map((r) => r.path.split('/')[5]);
    for (let i = 0; i < 3; i++) await pollHub();
    expect(listings()).toEqual(['golang', 'nginx', 'python', 'redis', 'ruby', 'golang']);
    expect(pipeline.outbox.countByState('pending') + pipeline.outbox.countByState('sent')).toBe(0);

    // A base-image refresh republishes five images. Detected pass by pass, held for the window.
    for (const image of ['python', ...OTHERS]) setDigests(image, 'b');
    setDigests('node', 'b');
    for (let i = 0; i < 3; i++) await pollHub();
    expect(h.db.prepare("SELECT COUNT(*) AS n FROM hub_rebuilds WHERE state = 'held'").get()).toEqual({ n: 5 });
    expect(h.irc.sent).toEqual([]);
    clock.advance(10 * MIN);
    await pollHub();
    await until(() => h!.irc.sent.length === 2, 'the roll-up');
    const texts = (channel: string) => h!.irc.sent.filter((m) => m.channel === channel).map((m) => noRef(m.text));
    expect(texts('irc:#docker-library')).toEqual(['5 images republished (rebuild): nginx (2), python (2), redis (2), ruby (2), golang (2)']);
    // Each channel sees only the images it subscribed to.
    expect(texts('irc:#python')).toEqual(['python: 2 tags published: 3.14, 3.14.1 on amd64, arm64v8 (rebuild, same tags)']);
    expect(texts('irc:#node')).toEqual([]);
    expect(listings()).not.toContain('node');

    // No repeat when nothing changes; a single rebuild later is announced on its own.
    for (let i = 0; i < 3; i++) await pollHub();
    clock.advance(11 * MIN);
    await pollHub();
    expect(h.irc.sent).toHaveLength(2);
    setDigests('redis', 'c');
    for (let i = 0; i < 3; i++) await pollHub();
    clock.advance(11 * MIN);
    await pollHub();
    await until(() => h!.irc.sent.length === 3, 'the single rebuild');
    expect(texts('irc:#docker-library').at(-1)).toBe('redis: 2 tags published: 1, 1.0 on amd64, arm64v8 (rebuild, same tags)');

    // A library change (direct push) explains python's next digests: not called a rebuild.
    gh.world.commitFiles('docker-library/official-images', { 'library/python': PYTHON_V2 }, 'python 3.14.2');
    await poller!.tick();
    expect(h.app.announcements.publish!.pendingImages()).toEqual(['python']);
    setDigests('python', 'd');
    for (let i = 0; i < 3; i++) await pollHub();
    clock.advance(11 * MIN);
    await pollHub();
    expect(h.db.prepare("SELECT COUNT(*) AS n FROM hub_rebuilds WHERE image = 'python'").get()).toEqual({ n: 1 });
    expect(texts('irc:#python').filter((t) => t.includes('rebuild'))).toHaveLength(1);
  });
});
