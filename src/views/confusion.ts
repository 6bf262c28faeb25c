/** A confusion matrix as a standalone SVG: counts in every cell, shaded by their share of the true class. */

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** counts[t * K + p]: images of true label t predicted as p. */
export function confusionSvg(counts: ArrayLike<number>, numClasses: number, title: string): string {
  const K = numClasses;
  if (counts.length !== K * K) throw new Error(`a ${K}-class confusion matrix has ${K * K} counts, got ${counts.length}`);
  const cell = 40;
  const left = 60;
  const top = 70;
  const size = K * cell;
  const parts: string[] = [];
  for (let t = 0; t < K; t++) {
    let rowTotal = 0;
    for (let p = 0; p < K; p++) rowTotal += counts[t * K + p];
    for (let p = 0; p < K; p++) {
      const c = counts[t * K + p];
      const share = rowTotal ? c / rowTotal : 0;
      // Correct predictions in blue, mistakes in red; darker for a larger share of the true class.
      const [r, g, b] = t === p ? [33, 102, 172] : [178, 24, 43];
      const mix = (v: number) => Math.round(255 - (255 - v) * Math.min(1, t === p ? share : 4 * share));
      const x = left + p * cell;
      const y = top + t * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${mix(r)},${mix(g)},${mix(b)})" stroke="#ccc"/>`);
      if (c > 0) {
        const dark = (t === p ? share : 4 * share) > 0.6;
        parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="11" fill="${dark ? '#fff' : '#222'}">${c}</text>`);
      }
    }
    parts.push(`<text x="${left - 8}" y="${top + t * cell + cell / 2 + 4}" text-anchor="end" font-size="12">${t}</text>`);
    parts.push(`<text x="${left + t * cell + cell / 2}" y="${top - 8}" text-anchor="middle" font-size="12">${t}</text>`);
  }
  const width = left + size + 20;
  const height = top + size + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="14">${escape(title)}</text>`,
    `<text x="${left + size / 2}" y="${top - 28}" text-anchor="middle" font-size="12">predicted label</text>`,
    `<text x="16" y="${top + size / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${top + size / 2})">true label</text>`,
    ...parts,
    '</svg>',
  ].join('\n') + '\n';
}
