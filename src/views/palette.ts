/**
 * Ten distinguishable colours for class labels: Tableau 10 (Stone, Tableau 2016), also the default categorical
 * scheme of Vega and d3 (schemeTableau10).
 */
export const CLASS_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

/** The colour of class `label`; labels past ten reuse the palette. */
export function classColor(label: number): string {
  return CLASS_COLORS[label % CLASS_COLORS.length];
}
