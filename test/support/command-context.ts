import { channelKey } from '../../src/core/chat.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import type { CommandContext } from '../../src/dispatch/command.js';
import type { CommandServices } from '../../src/services.js';

/** What a command or free-form handler receives for `text` addressed to the bot in #t. */
export function commandContext(text: string, services: Partial<CommandServices>): CommandContext {
  return {
    message: {
      id: 'm1',
      channel: { platform: 'memory', id: '#t', key: channelKey('memory', '#t'), name: '#t' },
      author: { platform: 'memory', id: 'a', name: 'a', account: 'a' },
      text,
      isDirect: false,
      addressed: true,
      receivedAt: new Date(),
    },
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
