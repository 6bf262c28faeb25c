/** "Did you mean": the known names nearest a mistyped one. */

/** Edits from a to b: insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known names nearest `name`, at most three; none where even the nearest needs more than a third of the
 * name's letters changed (one edit from three letters on), since a far guess misleads more than none.
 */
export function nearest(name: string, known: Iterable<string>): string[] {
  const limit = name.length < 3 ? 0 : Math.max(1, Math.floor(name.length / 3));
  const scored = [...known].map((k) => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) })).filter(({ d }) => d <= limit);
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map(({ d }) => d));
  return scored.filter(({ d }) => d === best).map(({ k }) => k).slice(0, 3);
}

/** "; did you mean --epochs?" (or "--lr or --lr-steps"), or '' where nothing is near. */
export function didYouMean(name: string, known: Iterable<string>, prefix = ''): string {
  const near = nearest(name, known);
  return near.length === 0 ? '' : `; did you mean ${near.map((n) => `${prefix}${n}`).join(' or ')}?`;
}
