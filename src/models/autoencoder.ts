import * as tf from '@tensorflow/tfjs';
import { corrupt } from '../data/corrupt.js';
import { dense } from '../nn/dense.js';
import { ImageShape } from '../nn/convNet.js';
import { Mlp } from '../nn/mlp.js';
import { ParamStore } from '../nn/params.js';
import { bernoulliMean, logBernoulli } from '../prob/bernoulli.js';
import { Rng, Stream } from '../rng.js';
import { jacobianFrobeniusSq, stochasticContraction } from './contractive.js';
import { buildDecoder, buildEncoder, Network } from './networks.js';
import { Batch, CodeModel, LossOptions, LossTerms } from './types.js';
import { AutoencoderConfig } from './autoencoderConfig.js';

export { AE_DEFAULTS, CAE_DEFAULTS, CONTRACTIVE_FORMS, DAE_DEFAULTS, RECON_LOSSES } from './autoencoderConfig.js';
export type { AeConfig, AutoencoderConfig, CaeConfig, ContractiveForm, DaeConfig, ReconLoss } from './autoencoderConfig.js';

/**
 * A deterministic autoencoder: encoder h(x) (hidden layers, then the code layer; convolutions first with net
 * conv), decoder giving logits whose sigmoid is the reconstruction. The kinds differ only in their loss: ae
 * reconstructs x, dae reconstructs x from a corruption of it, cae adds the contractive penalty.
 */
export class Autoencoder implements CodeModel {
  readonly params = new ParamStore();
  readonly latentDim: number;
  /** An autoencoder defines no density over codes: there is nothing to sample from. */
  readonly prior = null;
  readonly kind: AutoencoderConfig['kind'];
  private readonly encoder: Network;
  private readonly decoder: Network;

  constructor(readonly config: AutoencoderConfig, readonly inputDim: number, seed: number, shape?: ImageShape) {
    if ('contractive' in config && config.contractive === 'exact' && config.net === 'conv') {
      throw new Error('--contractive exact is the Jacobian of an MLP encoder in closed form; with --net conv use --contractive stochastic');
    }
    const rng = new Rng(seed, Stream.init);
    this.kind = config.kind;
    this.latentDim = config.latentDim;
    this.encoder = buildEncoder(this.params, 'encoder', config, inputDim, shape, config.latentDim, config.codeActivation, rng);
    this.decoder = buildDecoder(this.params, 'decoder', config, config.latentDim, inputDim, shape, inputDim, rng);
  }

  /** Every encoder layer's output, the code last; x is data, so the first layer skips its input gradient. */
  private encoderOutputs(x: tf.Tensor2D): tf.Tensor2D[] {
    const outputs: tf.Tensor2D[] = [];
    let h = x;
    (this.encoder as Mlp).layers.forEach((l, i) => {
      h = dense(h, this.params.get(l.w) as tf.Tensor2D, this.params.get(l.b) as tf.Tensor1D, l.activation, i > 0);
      outputs.push(h);
    });
    return outputs;
  }

  encodeMean(x: tf.Tensor2D): tf.Tensor2D {
    return this.encoder.apply(x);
  }

  /** The decoder's logits. */
  decode(h: tf.Tensor2D): tf.Tensor2D {
    return this.decoder.apply(h, true);
  }

  decodeMean(h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => bernoulliMean(this.decode(h)) as tf.Tensor2D);
  }

  /** Reconstruction error of the clean x from the decoder's logits, per example. */
  private reconError(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
    if (this.config.recon === 'bce') return tf.neg(logBernoulli(logits, x)) as tf.Tensor1D;
    return tf.sum(tf.square(tf.sub(tf.sigmoid(logits), x)), 1) as tf.Tensor1D;
  }

  lossTerms(batch: Batch, opts: LossOptions): LossTerms {
    return tf.tidy(() => {
      const { x } = batch;
      const c = this.config;
      if ('noise' in c) {
        // A fresh corruption per batch from the caller's per-step stream; the loss is against the clean x.
        const noisy = tf.tensor2d(corrupt(x.dataSync() as Float32Array, this.inputDim, c.noise, c.noiseLevel, opts.rng), x.shape);
        const recon = this.reconError(this.decode(this.encoder.apply(noisy)), x);
        return { total: recon, recon } as LossTerms;
      }
      if (!('contractive' in c)) {
        const recon = this.reconError(this.decode(this.encoder.apply(x)), x);
        return { total: recon, recon } as LossTerms;
      }
      // The exact penalty needs every layer's output; the stochastic one only the code (any encoder).
      const outputs = c.contractive === 'exact' ? this.encoderOutputs(x) : null;
      const h = outputs ? outputs[outputs.length - 1] : this.encoder.apply(x);
      const recon = this.reconError(this.decode(h), x);
      let contractive: tf.Tensor1D;
      if (outputs) {
        const layers = (this.encoder as Mlp).layers.map((l) => ({ w: this.params.get(l.w) as tf.Tensor2D, activation: l.activation }));
        contractive = jacobianFrobeniusSq(layers, outputs);
      } else {
        const eps = opts.rng.fillNormal(new Float32Array(x.size));
        const noisy = tf.add(x, tf.mul(tf.tensor2d(eps, x.shape), c.contractiveSigma)) as tf.Tensor2D;
        contractive = stochasticContraction(h, this.encoder.apply(noisy), c.contractiveSigma);
      }
      const total = tf.add(recon, tf.mul(contractive, c.lambda)) as tf.Tensor1D;
      return { total, recon, contractive };
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
