import { NoiseKind } from '../data/corrupt.js';
import { ReconstructionError } from './reconstruction.js';

/** One model at one latent size, scored on the test set. */
export interface ComparisonRow {
  kind: string;
  latentDim: number;
  epochs: number;
  /** Where the run lives. */
  run: string;
  /** Reconstruction error per image from the clean input. */
  clean: ReconstructionError;
  /** The same, from an input corrupted by DENOISING_PROBE, scored against the clean image. */
  corrupted: ReconstructionError;
  /** Test negative ELBO in nats, for models that have one. */
  negElbo?: number;
  /** Share of the training variance kept, for PCA. */
  explainedVariance?: number;
}

/** The corruption of the denoising measurement: the DAE's default, 25% of the pixels masked. */
export const DENOISING_PROBE: { noise: NoiseKind; level: number } = { noise: 'mask', level: 0.25 };

function fmt(v: number | undefined, digits = 2): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

/** A model x latent-size table of one figure. */
function pivot(rows: ComparisonRow[], value: (r: ComparisonRow) => number | undefined): string[] {
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const latents = [...new Set(rows.map((r) => r.latentDim))].sort((a, b) => a - b);
  const lines = [`| model | ${latents.map((z) => `z = ${z}`).join(' | ')} |`, `|---|${latents.map(() => '--:').join('|')}|`];
  for (const kind of kinds) {
    const cells = latents.map((z) => fmt(value(rows.find((r) => r.kind === kind && r.latentDim === z)!)));
    lines.push(`| ${kind} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/** The comparison as Markdown: one table per figure (models by latent size), then every figure per run. */
export function comparisonMarkdown(rows: ComparisonRow[], meta: { command: string; test: number; testBinarized: boolean; picture?: string }): string {
  const probe = `${Math.round(DENOISING_PROBE.level * 100)}% of the input pixels ${DENOISING_PROBE.noise === 'mask' ? 'zeroed' : `corrupted (${DENOISING_PROBE.noise})`}`;
  const out = [
    '# Reconstruction error by model and latent size',
    '',
    `Made by \`${meta.command}\`. Test images: ${meta.test}${meta.testBinarized ? ', binarized once (seed 0)' : ''}. Each image x is encoded to its code (the mean of q(z|x) for the VAE) and decoded to x^; figures are per image, lower is better.`,
    '',
    '**Squared error** sum_i (x_i - x^_i)^2:',
    '',
    ...pivot(rows, (r) => r.clean.squaredError),
    '',
    '**Cross-entropy** -sum_i [x_i log x^_i + (1 - x_i) log(1 - x^_i)] in nats (x^ clipped to [1e-6, 1 - 1e-6]):',
    '',
    ...pivot(rows, (r) => r.clean.crossEntropy),
    '',
    `**Squared error from a corrupted input** (${probe}, scored against the clean image):`,
    '',
    ...pivot(rows, (r) => r.corrupted.squaredError),
  ];
  if (rows.some((r) => r.negElbo !== undefined)) out.push('', '**Test -ELBO** (nats; a Gaussian decoder on grey levels is scored on dequantized images, as `vaekit eval` does):', '', ...pivot(rows.filter((r) => r.negElbo !== undefined), (r) => r.negElbo));
  out.push(
    '',
    '**Every figure:**',
    '',
    '| model | latent | epochs | squared error | cross-entropy | squared error, corrupted input | cross-entropy, corrupted input | -ELBO | explained variance | run |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    ...rows.map((r) => `| ${r.kind} | ${r.latentDim} | ${r.epochs} | ${fmt(r.clean.squaredError)} | ${fmt(r.clean.crossEntropy)} | ${fmt(r.corrupted.squaredError)} | ${fmt(r.corrupted.crossEntropy)} | ${fmt(r.negElbo)} | ${fmt(r.explainedVariance, 3)} | ${r.run} |`),
  );
  if (meta.picture) {
    const order = rows.map((r) => `${r.kind} z=${r.latentDim}`).join(', ');
    out.push('', `![reconstructions](${meta.picture})`, '', `Rows, top to bottom: the test digits, then ${order}.`);
  }
  return out.join('\n') + '\n';
}
