/**
 * The bot's bundled data files (the knowledge base with the Content Trust dates it speaks
 * from), read and checked once at start by main.ts, which hands them to createApp. The app
 * itself reads no files.
 */
import { join } from 'node:path';
import { KnowledgeBase } from './knowledge/base.js';
import { loadDctFacts } from './knowledge/dct.js';
import { projectRoot } from './paths.js';

export interface BotData {
  /** General DOI questions, the feedback service's known answers and the DCT facts `trust` cites. */
  readonly knowledge: KnowledgeBase;
}

/** Throws ConfigError naming the file and the bad field. */
export function loadBotData(root: string = projectRoot()): BotData {
  const dir = join(root, 'assets', 'knowledge');
  return { knowledge: KnowledgeBase.fromFiles(join(dir, 'entries.json'), loadDctFacts(join(dir, 'dct.json'))) };
}
