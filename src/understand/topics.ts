/**
 * Questions recognised by their topic rather than by an image: PR lists, the review queue, how
 * to report a problem, signing, proposals, general knowledge, help. Tried in order before the
 * image rules; append a rule here to teach the classifier a new topic.
 */
import type { Intent } from './types.js';

export interface TopicRule {
  readonly intent: Intent;
  /** Tested against the cleaned, lower-case question. */
  readonly pattern: RegExp;
  /** Keep the image the question names ("open PRs for python"). */
  readonly keepsImage?: boolean;
  /** Only when no image is named: "how do I get my image into official images". */
  readonly onlyWithoutImage?: boolean;
}

export const TOPIC_RULES: readonly TopicRule[] = [
  {
    intent: 'queue',
    pattern: /\breview queue\b|^queue$|\bthe queue\b|\bwait(s|ing)? (for|on) (a )?(review|maintainers?)\b|\bneeds? (a )?review\b|\bawaiting review\b|\bbacklog\b|\bunreviewed\b/,
  },
  { intent: 'prs', pattern: /\b(prs|pull requests)\b|\bpr (for|on|touching)\b/, keepsImage: true },
  {
    intent: 'feedback-howto',
    pattern:
      /\b(report|file|open|raise|submit|log)\b.*\b(bugs?|issues?|problems?)\b|\bwhere\b.*\b(report|issues? go|bugs? go|complain)\b|\bfeedback\b|\bissue tracker\b|\bwho do i (tell|contact)\b/,
    keepsImage: true,
  },
  {
    intent: 'trust',
    pattern:
      /\b(sign(ed|ature|atures|ing)?|unsigned|sboms?|spdx|provenance|attestations?|attested|verif(y|ied|ication)|cosign|notation|sigstore|content trust|docker_content_trust|dct|slsa|supply[- ]chain)\b|\bnotary(\.docker\.io| server| service| v1)\b/,
    keepsImage: true,
  },
  {
    intent: 'proposals',
    pattern: /\b(new|add|submit|propose|get|make)\b.*\b(an? |my |our )?(new )?official images?\b|\bbecome an? official\b|\bproposals?\b|\bnew image request\b|\bnew[- ]images?\b.*\bpropos(ed|als?)\b|\bpropos(ed|als?)\b.*\bnew[- ]images?\b/,
    onlyWithoutImage: true,
  },
  {
    intent: 'knowledge',
    pattern:
      /\bwhat (is|are) (an? |the )?(docker )?official images?\b|\bhow often\b.*\b(rebuilt|rebuild|updated|built)\b|\bwho (maintains|builds|reviews)\b.*\bofficial images?\b|\bbashbrew\b|\bwhy\b.*\bbuild\w* from source\b|\b(shared|simple) tags?\b|\bhealthcheck\b|\bwhat is a (shared )?tag\b|\bdoi\b/,
    onlyWithoutImage: true,
  },
  {
    intent: 'help',
    pattern: /^(help|commands|usage)\b|\b(what|which) commands\b|\bcommands do you\b|\bwhat can you (do|answer|tell)\b|\bwhat do you (do|know)\b|\bhow do i use (you|this bot|the bot)\b|\bwho are you\b|\bwhat are you\b|\bhow does this bot work\b|\blist (of )?commands\b/,
    onlyWithoutImage: true,
  },
];
