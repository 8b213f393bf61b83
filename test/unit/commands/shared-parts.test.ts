import { beforeAll, describe, expect, it } from 'vitest';
import { renderLinePlain } from '../../../adapters/slack/mrkdwn.js';
import { imageNameArg, imageRefWords } from '../../../commands/args.js';
import { requireTagRef } from '../../../commands/catalog-tag.js';
import { image } from '../../../commands/image.js';
import { search } from '../../../commands/search.js';
import { arches, tag } from '../../../commands/tag.js';
import { Catalog } from '../../../src/catalog/catalog.js';
import { BundledSnapshotSource } from '../../../src/catalog/dir-source.js';
import { UserError } from '../../../src/core/errors.js';
import { lineToPlain, rt } from '../../../src/core/richtext.js';
import { commandContext } from '../../support/command-context.js';

let catalog: Catalog;
beforeAll(async () => {
  catalog = Catalog.fromFiles((await new BundledSnapshotSource().fetch())!);
});

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string | undefined }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return { code: (err as UserError).code, message: (err as UserError).userMessage };
}

describe('catalog commands (defineCatalogCommand)', () => {
  const commands = [
    [image, ['python']],
    [tag, ['python:3']],
    [arches, ['python']],
    [search, ['python']],
  ] as const;

  it.each(commands)('%s is public and says the catalog is unavailable before reading its words', async (command, words) => {
    expect(command.access).toBe('anyone');
    const noCatalog = commandContext(words.join(' '), {});
    expect(await failure(command.invoke(noCatalog, words))).toEqual({ code: 'catalog.unavailable', message: 'The image catalog is not available in this setup.' });
  });
});

describe('shared argument parsers', () => {
  it('<image>[:tag] and <image> <tag> name the same tag; no tag is latest', async () => {
    const ctx = commandContext('', { catalog: { get: async () => catalog } });
    const joined = await requireTagRef(ctx, catalog, ['python:3'], 'tag <name>:<tag>');
    const split = await requireTagRef(ctx, catalog, ['python', '3'], 'tag <name>:<tag>');
    expect(joined.info.tag).toBe('3');
    expect(split.info).toEqual(joined.info);
    expect((await requireTagRef(ctx, catalog, ['python'], 'tag <name>:<tag>')).info.tag).toBe('latest');
    expect(imageRefWords.safeParse(['a', 'b', 'c']).success).toBe(false);
    expect(imageRefWords.safeParse([]).success).toBe(false);
  });

  it('an image name is normalised, and a bad one fails with the command usage', () => {
    expect(imageNameArg('library/Python', 'prs', 'prs [image]')).toBe('python');
    expect(() => imageNameArg('no such/thing!', 'prs', 'prs [image]')).toThrow('"no such/thing!" is not an image name. Usage: prs [image]');
    const thrown = (() => {
      try {
        return imageNameArg('x y', 'when', 'when <image> <version>');
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).code).toBe('when.bad-image');
  });
});

describe('plain lines (plainLine)', () => {
  const line = rt.line('a <b> & ', rt.bold('c'), ' ', rt.code('d'), ' ', rt.link('https://x.test/?a=1&b=2', 'label'), ' ', rt.link('https://y.test/'));

  it('console and Slack keep the same words and differ only in link form and escaping', () => {
    expect(lineToPlain(line)).toBe('a <b> & c d label <https://x.test/?a=1&b=2> https://y.test/');
    expect(renderLinePlain(line)).toBe('a &lt;b&gt; &amp; c d label (https://x.test/?a=1&amp;b=2) https://y.test/');
  });

  it('a label that only repeats its URL is left out', () => {
    const same = rt.line(rt.link('https://z.test/', 'https://z.test/'));
    expect(lineToPlain(same)).toBe('https://z.test/');
    expect(renderLinePlain(same)).toBe('https://z.test/');
  });
});
