/**
 * Edit distance where swapping two neighbouring letters costs 1 ("pyhton" is one step from
 * "python", "tga" from "tag"), so the intended name wins over names two edits away. Inputs are
 * capped so hostile input stays cheap. Used for every "did you mean".
 */
export function typoDistance(a: string, b: string, max = Infinity): number {
  const x = a.slice(0, 64);
  const y = b.slice(0, 64);
  const rows: number[][] = [Array.from({ length: y.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    // Two whole rows beyond `max` cannot come back under it: stop early (callers that only
    // care about close words ask many of them).
    if (i > 1 && Math.min(...row) > max && Math.min(...rows[i - 1]!) > max) return max + 1;
    rows.push(row);
  }
  return rows[x.length]![y.length]!;
}
