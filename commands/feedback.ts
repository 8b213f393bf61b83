import { arg, defineCommand, type CommandContext } from '../src/dispatch/command.js';
import { UserError } from '../src/core/errors.js';
import { rt } from '../src/core/richtext.js';
import type { FeedbackApi, FeedbackRequest } from '../src/services.js';
import { renderCancel, renderConfirm, renderPending, renderProposal, renderStatus } from './feedback-render.js';
import { z } from 'zod';

const USAGE = 'feedback [docs|process] <image>[:tag] [--anyway] <text>';

/**
 * `feedback python:3.13 <text>`, `feedback docs python <text>`, `feedback process <text>`, and
 * the flag forms `feedback python --kind=docs <text>`, `--docs`, `--process`, `--anyway`. Only words before the text are read as flags or names; the text
 * itself is taken verbatim (newlines and all). Returns an error message instead of throwing.
 */
export function parseFeedback(argsText: string): FeedbackRequest | { error: string } {
  let rest = argsText.replace(/^\s+/, '');
  let kind: FeedbackRequest['kind'] | undefined;
  let image: string | undefined;
  let anyway = false;
  const setKind = (k: FeedbackRequest['kind']): string | undefined => {
    if (kind && kind !== k) return `Pick one kind: "${kind}" or "${k}".`;
    kind = k;
    return undefined;
  };
  for (let positional = 0; ; ) {
    const m = /^(\S+)(\s+|$)/.exec(rest);
    if (!m) break;
    const word = m[1]!;
    const lower = word.toLowerCase();
    const flag = /^--(?:kind=)?(image|docs|process)$/.exec(lower);
    let error: string | undefined;
    if (flag) error = setKind(flag[1] as FeedbackRequest['kind']);
    else if (lower === '--anyway') anyway = true;
    else if (lower.startsWith('--')) return { error: `Unknown option "${word.slice(0, 20)}". Usage: ${USAGE}` };
    else if (positional === 0 && !kind && (lower === 'docs' || lower === 'process')) {
      error = setKind(lower);
      positional++;
    } else if (image === undefined && kind !== 'process' && /^[\w./:-]+$/.test(word)) {
      image = word;
      positional++;
    } else if (image === undefined && kind === 'process' && /^[a-z0-9][a-z0-9._-]*(:[\w][\w.-]*)?$/i.test(word) && /[:]/.test(word)) {
      // "feedback process python:3.13 ..." names an image; a plain word starts the text.
      image = word;
      positional++;
    } else break;
    if (error) return { error };
    rest = rest.slice(m[0].length);
  }
  const text = rest.trim();
  const k = kind ?? 'image';
  if (k !== 'process' && image === undefined) return { error: `Which image is this about? Usage: ${USAGE}` };
  if (!text) return { error: `What is the problem? Usage: ${USAGE}` };
  return { kind: k, text, anyway, ...(image !== undefined ? { image } : {}) };
}

function service(ctx: CommandContext): FeedbackApi {
  const svc = ctx.services.feedback;
  if (!svc) throw new UserError('feedback.unavailable', 'Feedback is not available on this bot.');
  return svc;
}

export const feedback = defineCommand({
  name: 'feedback',
  aliases: ['report'],
  summary: 'Send a problem report to the right issue tracker (asks you to confirm first)',
  usage: `${USAGE}  (e.g. "feedback python:3.13 pip fails on arm64", "feedback docs nginx the example is wrong", "feedback process new image request: foo")`,
  access: 'anyone',
  identity: true,
  // Each report costs a GitHub search; nobody needs to send two in ten seconds.
  cooldownMs: 10_000,
  timeoutMs: 20_000,
  args: arg.words,
  async run(ctx) {
    const req = parseFeedback(ctx.argsText);
    if ('error' in req) return rt.of(req.error);
    return renderProposal(await service(ctx).propose(ctx.message, req));
  },
  // The Slack modal's fields, taken as they are: the text is never read for flags.
  async runForm(ctx, form) {
    return renderProposal(await service(ctx).propose(ctx.message, { kind: form.kind, image: form.image, text: form.text.trim(), anyway: false }));
  },
});

export const feedbackStatus = defineCommand({
  name: 'feedback status',
  summary: 'Your feedback reports and what became of them',
  usage: 'feedback status',
  access: 'anyone',
  identity: true,
  args: arg.none,
  async run(ctx) {
    return renderStatus(service(ctx).statusOf(ctx.message));
  },
});

export const feedbackPending = defineCommand({
  name: 'feedback pending',
  summary: 'Feedback reports not filed yet, from everyone (admins)',
  usage: 'feedback pending',
  access: 'admin',
  args: arg.none,
  async run(ctx) {
    return renderPending(service(ctx).pending());
  },
});

const code = z.tuple([z.string().regex(/^[a-z0-9]{4,12}$/i, 'is not a report code')]);

export const confirm = defineCommand({
  name: 'confirm',
  summary: 'File a feedback report you were shown',
  usage: 'confirm <code>',
  access: 'anyone',
  identity: true,
  // Waits a few seconds for GitHub before answering "queued".
  timeoutMs: 20_000,
  args: code,
  async run(ctx, [c]) {
    return renderConfirm(await service(ctx).confirm(ctx.message, c));
  },
});

export const cancel = defineCommand({
  name: 'cancel',
  summary: 'Drop a feedback report before it is filed (admins: anyone\'s)',
  usage: 'cancel <code>',
  access: 'anyone',
  identity: true,
  args: code,
  async run(ctx, [c]) {
    return renderCancel(service(ctx).cancel(ctx.message, c, ctx.level === 'admin'));
  },
});
