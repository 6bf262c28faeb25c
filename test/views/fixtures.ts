/** Small models and data sets for the view tests: fast, and known pixel by pixel. */
import { Dataset } from '../../src/data/dataset.js';
import { Vae, VAE_DEFAULTS } from '../../src/models/vae.js';
import { pngDataUri } from '../../src/node/png.js';
import { EpochRecord } from '../../src/train/state.js';
import { runReportHtml } from '../../src/views/runReport.js';

/** A VAE with one small hidden layer, untrained (seeded initial weights). */
export function tinyVae(shape: [number, number, number], latentDim: number, seed = 1): Vae {
  return new Vae({ ...VAE_DEFAULTS, latentDim, hidden: [16] }, shape[0] * shape[1] * shape[2], seed);
}

/** `count` images whose pixel bytes are (i * 37 + p * 11) mod 256, labels i mod 10. */
export function syntheticDataset(shape: [number, number, number], count: number): Dataset {
  const size = shape[0] * shape[1] * shape[2];
  const images = Uint8Array.from({ length: count * size }, (_, q) => (Math.floor(q / size) * 37 + (q % size) * 11) % 256);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { name: 'synthetic', images, labels, count, shape };
}

/** A three-epoch history with train and validation terms. */
export const HISTORY: EpochRecord[] = [1, 2, 3].map((epoch) => ({
  epoch,
  beta: 1,
  train: { total: 200 / epoch, recon: 180 / epoch, kl: 20 + epoch },
  val: { total: 210 / epoch, recon: 188 / epoch, kl: 22 + epoch },
  seconds: 1.5,
}));

/** The report of an untrained 3-D VAE on synthetic 28x28 data, as `vaekit report` builds it. */
export function tinyReport(): string {
  const shape: [number, number, number] = [28, 28, 1];
  const model = tinyVae(shape, 3);
  try {
    return runReportHtml({
      model,
      shape,
      test: syntheticDataset(shape, 60),
      title: 'tiny <report> & co',
      summary: [['checkpoint', 'runs/tiny/best.ckpt']],
      config: { model: { kind: 'vae', latentDim: 3 }, note: '<b>not markup</b>' },
      history: HISTORY,
      evaluation: { negElbo: 99.5, terms: { recon: 80.25, kl: 19.25 }, k: 100, negLogLikelihood: 95.125 },
      toDataUri: pngDataUri,
    });
  } finally {
    model.dispose();
  }
}
