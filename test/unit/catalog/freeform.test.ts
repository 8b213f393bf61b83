import { beforeAll, describe, expect, it } from 'vitest';
import { catalogQuestions } from '../../../commands/catalog-freeform.js';
import { classify } from '../../../src/understand/classify.js';
import { Catalog } from '../../../src/catalog/catalog.js';
import { BundledSnapshotSource } from '../../../src/catalog/dir-source.js';
import { UpstreamError } from '../../../src/core/errors.js';
import { toPlainText } from '../../../src/core/richtext.js';
import type { CommandContext } from '../../../src/dispatch/command.js';
import type { HubLookup } from '../../../src/hub/types.js';
import { commandContext } from '../../support/command-context.js';

let catalog: Catalog;
const hubCalls: string[] = [];
/** Hub is down in these tests: every answer must come from the manifests. */
const downHub: HubLookup = {
  getTag: async (repo, tag) => {
    hubCalls.push(`${repo}:${tag}`);
    throw new UpstreamError('hub.down', 'down', { retryable: true });
  },
  listTags: async () => [],
};

beforeAll(async () => {
  catalog = Catalog.fromFiles((await new BundledSnapshotSource().fetch())!);
});

function ctx(text: string): CommandContext {
  return commandContext(text, { catalog: { get: async () => catalog }, hub: downHub });
}

async function answer(text: string): Promise<string | undefined> {
  const reply = await catalogQuestions.tryAnswer(ctx(text), text, classify(text, catalog));
  return reply === undefined ? undefined : reply === null ? '(silent)' : toPlainText(reply);
}

describe('catalog free-form questions pick the fitting command', () => {
  it('an architecture word -> arches, with a yes/no about that architecture first', async () => {
    expect(await answer('does node:22-alpine run on arm64?')).toMatch(/^Yes, per the manifest node:22-alpine is built for arm64v8 \(Docker Hub data missing/);
    expect(await answer('does node:22-alpine run on aarch64')).toMatch(/arm64v8/);
    expect(await answer('can I use node:22-alpine on i386?')).toMatch(/^No: node:22-alpine is not built for i386\./);
    expect(await answer('which platforms does hello-world support?')).toMatch(/^hello-world:latest supports amd64, .*windows-amd64 \(per the manifest\)\./);
  });

  it('image:tag -> tag; "when was X last published" -> tag of latest; "tags" -> tags; "what is X" -> image', async () => {
    expect(await answer('what is python:3 right now?')).toMatch(/^python:3 is a shared tag/);
    expect(await answer('when was nginx last published?')).toMatch(/^nginx:latest: last push unknown \(Docker Hub is unreachable\)\.\nBuilt from Dockerfile at b8590bd </);
    expect(await answer('what versions of postgres are there')).toMatch(/^postgres has 72 tags/);
    expect(await answer('what is traefik?')).toMatch(/^traefik: /);
    expect(await answer('"library/redis"?')).toMatch(/^redis: /);
  });

  it('"which python tags are alpine?" lists only the alpine tags; windows means the Windows Server bases', async () => {
    const alpine = await answer('which python tags are alpine?');
    expect(alpine).toMatch(/^python has \d+ alpine tags: 3\.15\.0rc1-alpine3\.24, /);
    expect(alpine).not.toMatch(/slim|trixie|bookworm|windowsservercore/);
    const windows = await answer('are there windows tags for golang?');
    expect(windows).toMatch(/^golang has \d+ windows tags: .*windowsservercore-ltsc2025/);
    await expect(catalogQuestions.tryAnswer(ctx('x'), 'x', { intent: 'tags', image: 'hello-world', filter: 'alpine' })).rejects.toThrow(/No hello-world tag is a alpine variant/);
  });

  it('"what\'s the latest node?" names the version behind latest, shared latest tags too', async () => {
    expect(await answer("what's the latest node?")).toMatch(/^node:latest is node 26\.7\.0 \(also node:26, node:26\.7, /);
    expect(await answer('latest python version?')).toMatch(/^python:latest is python 3\.14\.7 /);
    expect(await answer("what's the latest node alpine?")).toMatch(/^node:alpine is node 26\.7\.0 \(also node:alpine3\.24, node:26-alpine, /);
  });

  it('leaves alone what is not a catalog question', async () => {
    hubCalls.length = 0;
    expect(await answer('when will python 3.15 be available?')).toBeUndefined();
    expect(await answer('hello there, how are you?')).toBeUndefined();
    expect(await answer('are official images signed? docker content trust')).toBeUndefined();
    expect(await answer('why is python:3.8 gone?')).toBeUndefined();
    expect(hubCalls).toEqual([]);
  });

  it('unknown images and tags get a clear answer, not silence', async () => {
    await expect(answer('does node:99 run on arm64?')).rejects.toThrow(/node has no tag "99"/);
    await expect(answer('nosuchimage:1.0 on arm64?')).rejects.toThrow(/No official image "nosuchimage"/);
    await expect(answer('is pythn:3.13 available on arm64?')).resolves.toMatch(/python:3\.13/);
  });

  it('with no catalog service it stays out of the way', async () => {
    const bare = ctx('what is python?');
    const noCatalog: CommandContext = { ...bare, services: { status: bare.services.status, commands: () => [] } };
    expect(await catalogQuestions.tryAnswer(noCatalog, 'what is python?', classify('what is python?', catalog))).toBeUndefined();
  });
});
