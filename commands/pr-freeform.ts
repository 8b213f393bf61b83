import type { FreeformHandler } from '../src/dispatch/dispatcher.js';
import { pr, prsCommand, queue } from './pr.js';
import { when } from './when.js';

/**
 * Official-images PR questions ("#12345", "open prs for node", "what's in the review queue?")
 * and versions on their way ("when will python 3.14.1 be available?"), on the classifier's result.
 */
export const prQuestions: FreeformHandler = {
  name: 'prs',
  async tryAnswer(ctx, _text, u) {
    switch (u.intent) {
      case 'pr':
        return u.pr === undefined ? undefined : pr.invoke(ctx, [String(u.pr)]);
      case 'prs':
        return prsCommand.invoke(ctx, u.image === undefined ? [] : [u.image]);
      case 'queue':
        return queue.invoke(ctx, []);
      case 'when':
        return u.image === undefined || u.version === undefined ? undefined : when.invoke(ctx, [u.image, u.version]);
      default:
        return undefined;
    }
  },
};
