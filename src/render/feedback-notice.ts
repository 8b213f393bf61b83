/**
 * Pure: what a reporter is told through the outbox when a confirmed report is filed or refused
 * after the confirm reply was given.
 */
import { rt, type RichText } from '../core/richtext.js';
import { newIssueLink } from '../feedback/report.js';
import type { FeedbackNotice } from '../feedback/types.js';

export function renderFeedbackNotice(n: FeedbackNotice): RichText {
  switch (n.event) {
    case 'filed':
      return rt.of(rt.line(`Your report ${n.code} is filed as ${n.repo}#${n.number}: `, rt.link(n.url), '. Thank you!'));
    case 'failed':
      return rt.of(rt.line(`Your report ${n.code} could not be filed on GitHub (${n.error}). You can open it yourself, prefilled: `, newIssueLink(n.selfFileUrl)));
  }
}
