/**
 * What `feedback` needs of canned answers: questions that are not bugs ("my scanner reports
 * CVE-..."), answered instead of filed. They live in the knowledge base
 * (src/knowledge/base.ts, entries marked "feedback": true).
 */
export interface CannedAnswer {
  readonly id: string;
  readonly answer: string;
  readonly link: string;
}

export interface FeedbackAnswers {
  match(text: string): CannedAnswer | undefined;
}
