import { defineCommand, arg } from '../src/dispatch/command.js';
import { rt, type Line } from '../src/core/richtext.js';
import { formatAge } from '../src/core/clock.js';
import type { CommandContext } from '../src/dispatch/command.js';
import { withoutPrivateChannels } from '../src/status.js';

export const about = defineCommand({
  name: 'about',
  aliases: ['version'],
  summary: 'Version, uptime, and where the answers come from',
  usage: 'about',
  access: 'anyone',
  args: arg.none,
  async run(ctx) {
    const s = ctx.services.status;
    const now = ctx.clock.now();
    return rt.of(
      rt.line(rt.bold(`doi-bot ${s.version}`), `, up ${formatAge(now - s.startedAt)}. Answers questions about Docker Official Images.`),
      ...sourceLines(ctx, now),
      ...(ctx.services.knowledge ? [rt.line(rt.bold('Knowledge base'), `: ${ctx.services.knowledge.size} entries, last reviewed ${ctx.services.knowledge.lastReviewed}`)] : []),
      rt.line('Source: ', rt.link('https://github.com/docker-library/official-images', 'docker-library/official-images')),
    );
  },
});

export const status = defineCommand({
  name: 'status',
  summary: 'Connections, data sources, queues and problems',
  usage: 'status',
  access: 'anyone',
  args: arg.none,
  async run(ctx) {
    const now = ctx.clock.now();
    return rt.of(...adapterLines(ctx, now), ...sourceLines(ctx, now), ...ctx.services.status.details().map((d) => rt.line(d)));
  },
});

function adapterLines(ctx: CommandContext, now: number): Line[] {
  const s = ctx.services.status;
  // Strangers must not learn keyed IRC channels or private Slack channels from a status line.
  const visible = ctx.level === 'admin' ? s.adapters() : s.adapters().map(withoutPrivateChannels);
  return visible.map((a) =>
    rt.line(
      rt.bold(a.platform),
      `: ${a.connected ? 'connected' : 'disconnected'}`,
      a.since ? ` for ${formatAge(now - a.since.getTime())}` : '',
      a.detail ? ` (${a.detail})` : '',
      a.problems?.length ? `; problems: ${a.problems.join('; ')}` : '',
    ),
  );
}

function sourceLines(ctx: CommandContext, now: number): Line[] {
  return ctx.services.status.sources().map((src) =>
    rt.line(
      rt.bold(src.name),
      `: ${src.detail}`,
      src.dataDate !== undefined ? `, data from ${new Date(src.dataDate).toISOString().slice(0, 10)} (${formatAge(now - src.dataDate)} old)` : '',
      src.updatedAt !== undefined ? `, refreshed ${formatAge(now - src.updatedAt)} ago` : '',
    ),
  );
}
