import { channelKey, PLAIN_CAPABILITIES, type InboundMessage } from '../../src/core/chat.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import type { CommandContext } from '../../src/dispatch/command.js';
import type { CommandServices } from '../../src/services.js';

/** What a command or free-form handler receives for `text` addressed to the bot in #t. */
export function commandContext(text: string, services: Partial<CommandServices>): CommandContext {
  return {
    message: inboundMessage(text, { id: 'm1', channel: '#t', user: 'a' }),
    capabilities: PLAIN_CAPABILITIES,
    services: {
      status: { version: 't', startedAt: 0, adapters: () => [], sources: () => [], details: () => [] },
      commands: () => [],
      ...services,
    },
    log: silentLogger(),
    clock: systemClock,
    argsText: text,
    level: 'anyone',
  };
}

/** `text` addressed to the bot in a memory channel by an identified user. */
export function inboundMessage(text: string, at: { id: string; channel: string; user: string }): InboundMessage {
  return {
    id: at.id,
    channel: { platform: 'memory', id: at.channel, key: channelKey('memory', at.channel), name: at.channel },
    author: { platform: 'memory', id: at.user, name: at.user, account: at.user },
    text,
    isDirect: false,
    addressed: true,
    receivedAt: new Date(),
  };
}
