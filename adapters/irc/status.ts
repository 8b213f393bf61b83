import type { AdapterStatus } from '../../src/core/chat.js';
import type { IrcSession } from './session.js';

/** What `status` and the metrics show of the connection: where, who, which channels, problems. */
export function ircStatus(session: IrcSession): AdapterStatus {
  const problems = [...session.problems.values()];
  if (session.state !== 'registered' && session.state !== 'stopped' && session.nextRetryAt !== undefined) {
    const inSec = Math.max(0, Math.round((session.nextRetryAt - session.clock.now()) / 1000));
    problems.push(`disconnected${session.lastError ? ` (${session.lastError})` : ''}; retrying in ${inSec}s (attempt ${session.attempt})`);
  }
  const channels = [...session.joined.values()];
  const detail = [
    `${session.nick} on ${session.s.host}:${session.s.port}${session.s.tls ? ' (TLS)' : ''}`,
    session.loggedInAs ? `logged in as ${session.loggedInAs}` : 'not logged in',
    channels.length ? `in ${channels.join(' ')}` : 'in no channels',
    session.pacer.queued ? `${session.pacer.queued} lines queued` : '',
  ]
    .filter(Boolean).join(', ');
  return {
    privateChannels: session.s.channels.filter((c) => c.key).map((c) => c.name),
    platform: 'irc',
    connected: session.state === 'registered',
    ...(session.since ? { since: session.since } : {}),
    detail,
    ...(problems.length ? { problems } : {}),
    reconnects: session.reconnects,
    queuedLines: session.pacer.queued,
  };
}
