import type { AdapterCapabilities } from '../../src/core/chat.js';

/** Slack as the core sees it: cards are edited in place (chat.update), slash answers are ephemeral. */
export const SLACK_CAPABILITIES: AdapterCapabilities = {
  displayName: 'Slack',
  privateMessages: true,
  privateMessageName: 'a direct message',
  editableCards: true,
  ephemeralReplies: true,
  // A long answer in a DM comes a screenful at a time; `more` shows the next one.
  privatePageLines: 30,
};
