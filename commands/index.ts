import type { CommandDef } from '../src/dispatch/command.js';
import type { FreeformHandler } from '../src/dispatch/dispatcher.js';
import { about, status } from './about.js';
import { help } from './help.js';
import { cancel, confirm, feedback, feedbackPending, feedbackStatus } from './feedback.js';
import { image } from './image.js';
import { more } from './more.js';
import { catalogQuestions } from './catalog-freeform.js';
import { search } from './search.js';
import { arches, tag } from './tag.js';
import { tags } from './tags.js';
import { subscribe } from './subscribe.js';
import { subscriptions } from './subscriptions.js';
import { unsubscribe } from './unsubscribe.js';
import { why } from './why.js';
import { pr, prsCommand, queue } from './pr.js';
import { prQuestions } from './pr-freeform.js';
import { lifecycleQuestions } from './lifecycle-freeform.js';
import { topicQuestions } from './topic-freeform.js';
import { when } from './when.js';
import { notify } from './notify.js';
import { trust, trustQuestion } from './trust.js';
import { proposalQuestion, proposals } from './proposals.js';
import { knowledgeQuestions } from './knowledge-freeform.js';

/** Every command the bot knows. Order is the order `help` lists them in. */
export const allCommands: readonly CommandDef[] = [help, about, status, image, tags, tag, arches, search, pr, prsCommand, queue, proposals, when, trust, notify, subscriptions, subscribe, unsubscribe, why, feedback, feedbackStatus, feedbackPending, confirm, cancel, more];

/**
 * Tried in order for addressed text that is not a command, each on what src/understand made of
 * it; the first answer wins. Add a handler here for a new intent.
 */
export const freeformHandlers: readonly FreeformHandler[] = [prQuestions, proposalQuestion, trustQuestion, catalogQuestions, lifecycleQuestions, knowledgeQuestions, topicQuestions];
