// "Did you mean …?" for a mistyped name: the command line's flags, the Bicep check's symbols.

/** Levenshtein distance: insertions, deletions and substitutions of one character. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The first of the candidates closest to `name`, if it is at most two edits away. */
export function closestName(name: string, candidates: Iterable<string>, opts: { ignoreCase?: boolean } = {}): string | undefined {
  const fold = (s: string) => (opts.ignoreCase ? s.toLowerCase() : s);
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(fold(name), fold(c));
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}
