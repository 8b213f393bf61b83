/**
 * The RFC 2822-like paragraph reader bashbrew uses for manifests (pault.ag/go/debian
 * control/parse.go, with bashbrew's comment stripper pkg/stripper/comments.go): comments are
 * dropped, empty lines end a paragraph, indented lines continue the previous field, and a field
 * is split at its first colon. Linear in the input.
 */
import { preview, type ErrorSink } from './manifest-model.js';

export interface Field {
  readonly value: string;
  readonly line: number;
}

export interface Paragraph {
  /** Last value wins for a repeated key, as in go-debian. */
  readonly fields: Map<string, Field>;
  readonly line: number;
}

/** Comment stripping, paragraph splitting, continuation lines and first-colon field split. */
export function readParagraphs(text: string, errors: ErrorSink): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: Paragraph | undefined;
  let lastKey: string | undefined;
  // Continuation pieces are collected and joined once, so long values stay linear.
  let pieces: string[] | undefined;
  let piecesLine = 0;

  const flushPieces = () => {
    if (current && lastKey !== undefined && pieces) {
      current.fields.set(lastKey, { value: pieces.join('\n'), line: piecesLine });
    }
    pieces = undefined;
  };
  const endParagraph = () => {
    flushPieces();
    if (current && current.fields.size > 0) paragraphs.push(current);
    current = undefined;
    lastKey = undefined;
  };

  const lines = text.split('\n');
  // A final "\n" gives one last empty string that is not a line of its own.
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    // Comments are stripped before paragraphs are formed, so they never end a paragraph.
    if (raw.trimStart().startsWith('#')) continue;
    if (raw === '' || raw === '\r') {
      endParagraph();
      continue;
    }
    if (raw[0] === ' ' || raw[0] === '\t') {
      if (!current || lastKey === undefined) {
        errors.add(lineNo, `continuation line without a field before it: '${preview(raw)}'`);
        continue;
      }
      const piece = raw.slice(1).trimEnd();
      pieces ??= [current.fields.get(lastKey)?.value ?? ''];
      pieces.push(piece === '.' ? '' : piece);
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon < 0) {
      errors.add(lineNo, `Bad line: '${preview(raw)}' has no ':'`);
      continue;
    }
    flushPieces();
    current ??= { fields: new Map(), line: lineNo };
    const key = raw.slice(0, colon).trim();
    const value = raw.slice(colon + 1).trim();
    current.fields.delete(key); // keep the map in last-set order for line reporting
    current.fields.set(key, { value, line: lineNo });
    lastKey = key;
    piecesLine = lineNo;
  }
  endParagraph();
  return paragraphs;
}
