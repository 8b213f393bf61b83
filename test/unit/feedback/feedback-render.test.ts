import { describe, expect, it } from 'vitest';
import { renderCancel, renderConfirm, renderPending, renderStatus } from '../../../commands/feedback-render.js';
import { toPlainText } from '../../../src/core/richtext.js';
import type { ReportInfo } from '../../../src/feedback/types.js';
import { renderFeedbackNotice } from '../../../src/render/feedback-notice.js';

// The feedback service answers with data; these pin the words of the answers the end-to-end
// tests do not reach (GitHub refusing, retry waits, lost create requests, listings).
const MIN = 60_000;
const report = (over: Partial<ReportInfo>): ReportInfo => ({
  code: 'abc234',
  state: 'queued',
  repo: 'docker-library/python',
  reporter: 'irc:alice',
  title: 'pip fails `on` arm64',
  expiresAt: 10 * MIN,
  attempts: 2,
  nextAt: 5 * MIN,
  lastError: 'GitHub is not answering',
  filedAt: null,
  issueUrl: null,
  ...over,
});
const prefilled = 'https://github.com/docker-library/python/issues/new?title=pip%20fails&body=details';

describe('feedback answers rendered from the service results', () => {
  it('confirm: retrying, refused, busy, in the background, and a limit the recount no longer sees', () => {
    expect(toPlainText(renderConfirm({ kind: 'retrying', code: 'abc234', error: 'GitHub is down', retryInMs: 3 * MIN }))).toBe(
      'Report abc234 is saved, but GitHub is not available right now (GitHub is down). It will be filed automatically (next try in 3m); I will post the link here.',
    );
    const refused = renderConfirm({ kind: 'refused', code: 'abc234', error: 'repository is archived', selfFileUrl: prefilled });
    expect(toPlainText(refused)).toBe(`GitHub refused report abc234 (repository is archived). Nothing was filed. You can open it yourself, prefilled: new issue <${prefilled}>`);
    expect(toPlainText(renderConfirm({ kind: 'busy', code: 'abc234' }))).toBe('Report abc234 is saved and being filed; I will post the link here.');
    expect(toPlainText(renderConfirm({ kind: 'background', code: 'abc234' }))).toBe(
      'Report abc234 is saved. GitHub is slow to answer, so it will be filed in the background; I will post the link here.',
    );
    expect(renderConfirm({ kind: 'limited', code: 'abc234' }).lines.map((l) => toPlainText({ lines: [l] }))).toEqual([
      'The filing limit is reached; try again later.',
      ' Report abc234 is still waiting; confirm it again later.',
    ]);
  });

  it('a report GitHub refused says so with a prefilled link, whichever command meets it', () => {
    const failed = { kind: 'state', report: report({ state: 'failed', lastError: 'x'.repeat(200) }), selfFileUrl: prefilled } as const;
    const text = `Report abc234 could not be filed (${'x'.repeat(120)}). You can open it yourself: new issue <${prefilled}>`;
    expect(toPlainText(renderConfirm(failed))).toBe(text);
    expect(toPlainText(renderCancel(failed))).toBe(text);
  });

  it('cancel warns when an earlier attempt may have reached GitHub', () => {
    expect(toPlainText(renderCancel({ kind: 'cancelled', code: 'abc234', mayBeOnGitHub: true }))).toBe(
      'Report abc234 cancelled; nothing will be filed. An earlier attempt may have reached GitHub: check the repository before filing again.',
    );
    expect(toPlainText(renderCancel({ kind: 'cancelled', code: 'abc234', mayBeOnGitHub: false }))).toBe('Report abc234 cancelled; nothing will be filed.');
  });

  it('listings: each state in a line, the reporter named for admins', () => {
    const now = MIN;
    const reports = [report({}), report({ code: 'def567', state: 'filed', filedAt: 0, issueUrl: 'https://github.com/docker-library/python/issues/9' })];
    expect(toPlainText(renderPending({ reports, now }))).toBe(
      [
        '2 feedback report(s) not filed yet (cancel one with: cancel <code>):',
        'abc234 docker-library/python by irc:alice: pip fails on arm64 — queued, 2 attempt(s), next in 4m; last error: GitHub is not answering',
        'def567 docker-library/python by irc:alice: pip fails on arm64 — filed 1m ago https://github.com/docker-library/python/issues/9',
      ].join('\n'),
    );
    expect(toPlainText(renderPending({ reports: [], now }))).toBe('No feedback reports are waiting.');
    expect(toPlainText(renderStatus({ kind: 'reports', reports: [report({ state: 'proposed' })], now }))).toBe(
      'Your feedback reports (newest first):\nabc234 docker-library/python: pip fails on arm64 — awaiting confirmation (9m left)',
    );
  });

  it('the later notice through the outbox: filed, or refused with a prefilled link', () => {
    expect(toPlainText(renderFeedbackNotice({ event: 'filed', code: 'abc234', repo: 'docker-library/python', number: 9, url: 'https://github.com/docker-library/python/issues/9' }))).toBe(
      'Your report abc234 is filed as docker-library/python#9: https://github.com/docker-library/python/issues/9. Thank you!',
    );
    expect(toPlainText(renderFeedbackNotice({ event: 'failed', code: 'abc234', error: 'repository is archived', selfFileUrl: prefilled }))).toBe(
      `Your report abc234 could not be filed on GitHub (repository is archived). You can open it yourself, prefilled: new issue <${prefilled}>`,
    );
  });
});
