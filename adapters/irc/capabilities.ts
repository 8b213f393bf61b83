import type { AdapterCapabilities } from '../../src/core/chat.js';

/** IRC as the core sees it; the adapter adds its configured lines per reply. */
export const IRC_CAPABILITIES: AdapterCapabilities = {
  displayName: 'IRC',
  privateMessages: true,
  privateMessageName: 'a private message',
  editableCards: false,
  ephemeralReplies: false,
};

/** Lines one private page shows before "type more" (the core pages: src/outbox/paging.ts). */
export const PRIVATE_PAGE_LINES = 10;
