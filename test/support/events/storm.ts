/**
 * A scripted storm of PR changes for the crash test, and its own oracle: the world says which
 * events each transition must produce (by the documented id format), independently of diff.ts.
 */
import type { PrSnapshot } from '../../../src/core/events.js';

export const STORM_REPO = 'docker-library/official-images';
export const STORM_PRS = 30;
export const STORM_TICKS = STORM_PRS + 13;
/** Far in the future: every PR counts as created after the first run's baseline. */
const T0 = 4_000_000_000_000;

export const STORM_SUBSCRIPTIONS = [
  { channel: 'irc:#a', images: ['python'], events: ['pr.*'], mode: 'every' as const },
  { channel: 'irc:#b', images: ['*'], events: ['pr.opened', 'pr.merged'], mode: 'every' as const },
  { channel: 'slack:C1', images: ['*'], events: ['*'], mode: 'every' as const },
];

const imageOf = (i: number) => (i % 3 === 0 ? 'python' : i % 3 === 1 ? 'node' : 'redis');

function prAt(i: number, t: number): PrSnapshot | undefined {
  if (t < i) return undefined;
  const age = t - i;
  const image = imageOf(i);
  const head = age >= 8 ? `h1-${i}` : `h0-${i}`;
  // A push restarts CI: the new head is pending until its checks finish.
  const checks = age >= 9 ? 'SUCCESS' : age === 8 ? 'PENDING' : age >= 6 ? 'FAILURE' : 'PENDING';
  const done = age >= 12;
  return {
    repo: STORM_REPO,
    number: i,
    title: `Update ${image} (${i})`,
    url: `https://github.com/${STORM_REPO}/pull/${i}`,
    author: 'bot',
    state: done ? (i % 2 === 0 ? 'MERGED' : 'CLOSED') : 'OPEN',
    isDraft: false,
    createdAt: T0 + i,
    updatedAt: T0 + t,
    ...(done && i % 2 === 0 ? { mergedAt: T0 + t } : {}),
    ...(done ? { closedAt: T0 + t } : {}),
    headOid: head,
    labels: age >= 2 ? [`library/${image}`] : [],
    images: [image],
    changedFiles: 1,
    additions: 1,
    deletions: 1,
    reviews: age >= 4 ? [{ id: `R${i}`, state: 'APPROVED', author: 'tianon', submittedAt: T0 + i + 4 }] : [],
    checks,
    failingChecks: checks === 'FAILURE' ? ['Build and Test'] : [],
    libraryFiles: [`library/${image}`],
  };
}

export function stormSnapshots(t: number): PrSnapshot[] {
  return Array.from({ length: STORM_PRS }, (_, k) => prAt(k + 1, t)).filter((p): p is PrSnapshot => p !== undefined);
}

/** Every (channel, event id) that must be delivered exactly once. */
export function stormExpected(): Array<{ channel: string; eventId: string }> {
  const out: Array<{ channel: string; eventId: string }> = [];
  for (let i = 1; i <= STORM_PRS; i++) {
    const key = `${STORM_REPO}#${i}`;
    const image = imageOf(i);
    const end = i % 2 === 0 ? `pr.merged:${key}` : `pr.closed:${key}`;
    const ids = [
      `pr.opened:${key}`,
      `pr.labeled:${key}:library/${image}`,
      `pr.review.approved:${key}:R${i}`,
      `pr.checks.failed:${key}:h0-${i}`,
      `pr.pushed:${key}:h1-${i}`,
      `pr.checks.passed:${key}:h1-${i}`,
      end,
    ];
    for (const id of ids) {
      out.push({ channel: 'slack:C1', eventId: id });
      if (image === 'python') out.push({ channel: 'irc:#a', eventId: id });
      if (id.startsWith('pr.opened:') || id.startsWith('pr.merged:')) out.push({ channel: 'irc:#b', eventId: id });
    }
  }
  return out;
}
