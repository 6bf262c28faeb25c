/**
 * Train a VAE with a 2-D code on MNIST, then score it on the test set.
 *
 *   node --import tsx examples/fit.ts --out runs/z2 --epochs 5
 *
 * The run directory it writes is what `vaekit train` writes: `vaekit eval runs/z2`, `vaekit report runs/z2`
 * and the view commands read it.
 */
import { parseArgs } from 'node:util';
import { evaluate, fit } from 'vaekit';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'runs/z2' },
    epochs: { type: 'string', default: '5' },
    /** Train on the first N training images only (0: all). */
    limit: { type: 'string', default: '0' },
    /** Importance samples per test image for -log p(x). */
    k: { type: 'string', default: '5000' },
    /** Score the first N test images only (0: all). */
    'test-limit': { type: 'string', default: '0' },
  },
});

// On the fastest engine available (the native backend where it was built); `force` starts afresh when the
// directory already holds a run, so the example can be run again.
const run = await fit(
  { model: { kind: 'vae', latentDim: 2 }, train: { epochs: Number(values.epochs) }, data: { limit: Number(values.limit) } },
  {
    out: values.out,
    force: true,
    onProgress: (e) => {
      if (e.type === 'engine') console.log(`engine: ${e.path}`);
      if (e.type === 'epoch') console.log(`epoch ${e.record.epoch}: train -ELBO ${e.record.train.total.toFixed(2)}, validation ${e.record.val?.total?.toFixed(2) ?? '-'}${e.best ? ' (best)' : ''}`);
    },
  },
);
console.log(`trained ${run.state.epoch} epochs into ${run.dir}`);

// The figures that apply to a VAE: the -ELBO, the importance-sampled -log p(x), the reconstruction error.
const figures = await evaluate(run, { k: Number(values.k), limit: Number(values['test-limit']) });
console.log(`test -ELBO ${figures.negElbo?.toFixed(2)} nats, -log p(x) ~= ${figures.negLogLikelihood?.toFixed(2)} nats (k=${figures.k}) on ${figures.images} images`);
run.dispose();
