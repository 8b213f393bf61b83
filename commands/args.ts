/**
 * Argument shapes and parsers several commands share, so the same words mean the same thing
 * (and fail with the same kind of message) in every command that takes them.
 */
import { z } from 'zod';
import { normaliseImageName } from '../src/catalog/catalog.js';
import { UserError } from '../src/core/errors.js';
import { oneLine } from './pr-render.js';

/** `<image>[:tag]` or `<image> <tag>`: one or two words (read with refFromWords). */
export const imageRefWords = z.array(z.string().min(1)).min(1).max(2);

/** One optional word (an image name, an announcement ref). */
export const optionalWord = z.array(z.string().max(200)).max(1);

/** The image `text` names ("library/Python" -> "python"), or a `<command>.bad-image` usage error. */
export function imageNameArg(text: string, command: string, usage: string): string {
  const image = normaliseImageName(text);
  if (!image) throw new UserError(`${command}.bad-image`, `"${oneLine(text, 60)}" is not an image name. Usage: ${usage}`);
  return image;
}
