/**
 * Issue 14: every catalog answer names where the whole answer is (RichText.wholeAnswerUrl), so a
 * channel that shows only its start links there instead of sending people to a private message.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogQuestions } from '../../../commands/catalog-freeform.js';
import { image } from '../../../commands/image.js';
import { search } from '../../../commands/search.js';
import { arches, tag } from '../../../commands/tag.js';
import { tags } from '../../../commands/tags.js';
import { Catalog } from '../../../src/catalog/catalog.js';
import { BundledSnapshotSource } from '../../../src/catalog/dir-source.js';
import { UpstreamError } from '../../../src/core/errors.js';
import type { RichText } from '../../../src/core/richtext.js';
import type { CommandDef } from '../../../src/dispatch/command.js';
import { classify } from '../../../src/understand/classify.js';
import { commandContext } from '../../support/command-context.js';

let catalog: Catalog;
beforeAll(async () => {
  catalog = Catalog.fromFiles((await new BundledSnapshotSource().fetch())!);
});

const services = () => ({
  catalog: { get: async () => catalog },
  hub: { getTag: async () => Promise.reject(new UpstreamError('hub.down', 'down', { retryable: true })), listTags: async () => [] },
});

async function run(command: CommandDef, words: string): Promise<RichText> {
  return (await command.invoke(commandContext(words, services()), words.split(' ')))!;
}

async function asked(text: string): Promise<RichText> {
  return (await catalogQuestions.tryAnswer(commandContext(text, services()), text, classify(text, catalog)))!;
}

const HUB = 'https://hub.docker.com/_';
const MANIFEST = 'https://github.com/docker-library/official-images/blob/master/library';

describe('catalog answers name where the whole answer is', () => {
  it('commands: the Hub tags page (filtered where Hub can), the manifest, or Hub search', async () => {
    expect((await run(tags, 'python')).wholeAnswerUrl).toBe(`${HUB}/python/tags`);
    expect((await run(tags, 'node *-alpine')).wholeAnswerUrl).toBe(`${HUB}/node/tags?name=-alpine`);
    expect((await run(tags, 'python 3.*-slim')).wholeAnswerUrl).toBe(`${MANIFEST}/python`);
    expect((await run(tag, 'python:3.13-slim')).wholeAnswerUrl).toBe(`${HUB}/python/tags?name=3.13-slim`);
    expect((await run(tag, 'python:3')).wholeAnswerUrl).toBe(`${MANIFEST}/python`);
    expect((await run(arches, 'python:3.13-slim')).wholeAnswerUrl).toBe(`${HUB}/python/tags?name=3.13-slim`);
    expect((await run(image, 'python')).wholeAnswerUrl).toBe(`${MANIFEST}/python`);
    expect((await run(search, 'sql db')).wholeAnswerUrl).toBe('https://hub.docker.com/search?q=sql%20db&image_filter=official');
  });

  it('free-form catalog questions too', async () => {
    expect((await asked('which python tags are alpine?')).wholeAnswerUrl).toBe(`${HUB}/python/tags?name=alpine`);
    expect((await asked('which python tags are windows?')).wholeAnswerUrl).toBe(`${HUB}/python/tags`);
    expect((await asked('when was nginx last published?')).wholeAnswerUrl).toBe(`${HUB}/nginx/tags?name=latest`);
    expect((await asked('what is the latest python?')).wholeAnswerUrl).toBe(`${HUB}/python/tags?name=latest`);
  });
});
