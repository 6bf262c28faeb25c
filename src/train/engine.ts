import * as tf from '@tensorflow/tfjs';
import { ImageBatch } from '../data/batches.js';
import { fusedKernels } from '../fastpath/fused.js';
import { Kernels } from '../fastpath/kernels.js';
import { MlpVaeOnKernels } from '../fastpath/mlpVae.js';
import { fillNormalWith } from '../fastpath/random.js';
import { MlpVaePlan, Model } from '../models/types.js';
import { ParamStore } from '../nn/params.js';
import { MaybePromise } from '../tensorReads.js';
import { Adam } from './adam.js';
import { EnginePath } from './events.js';
import { KernelAdam } from './kernelAdam.js';
import { StepInputs, StepTerms, termsAndGradients } from './loop.js';

/**
 * Takes one-gradient steps. `gradients` computes the loss and holds the gradient; the loop then either
 * `apply`s it or, if a loss term is not finite, `discard`s it. The portable engine works on the model's tfjs
 * variables; a fused engine keeps its own copy, written back by `sync`.
 */
export interface StepEngine {
  readonly path: EnginePath;
  /** Batch means of the model's named loss terms, `total` first (a promise where reads are asynchronous). */
  gradients(batch: ImageBatch, inputs: StepInputs): MaybePromise<StepTerms>;
  apply(): void;
  discard(): void;
  /** Writes parameters and optimizer moments back to the model and the Adam instance. */
  sync(): void;
  dispose(): void;
}

/**
 * What the portable engines share: the tfjs gradient of the last step, held until the loop applies it with
 * the model's Adam or discards it. Parameters live in the model's variables, so there is nothing to sync.
 */
export abstract class HeldTfjsGradients {
  protected grads: tf.NamedTensorMap | null = null;

  constructor(protected readonly optimizer: Adam) {}

  apply(): void {
    this.optimizer.apply(this.grads!);
    this.discard();
  }

  discard(): void {
    if (this.grads) tf.dispose(this.grads);
    this.grads = null;
  }

  sync(): void {}

  dispose(): void {
    this.discard();
  }
}

/** The portable path: autodiff through the model's lossTerms (given the labels, where the batch has them), on the tfjs backend. */
class TfjsStepEngine extends HeldTfjsGradients implements StepEngine {
  readonly path = 'portable';

  constructor(private readonly model: Model, optimizer: Adam, private readonly dim: number) {
    super(optimizer);
  }

  gradients({ x, rows, labels }: ImageBatch, inputs: StepInputs): MaybePromise<StepTerms> {
    const { terms, grads } = termsAndGradients(this.model.params.list(), () => {
      const terms = this.model.lossTerms({ x: tf.tensor2d(x, [rows, this.dim]), ...(labels ? { labels: tf.tensor1d(labels, 'int32') } : {}) }, inputs);
      return Object.fromEntries(Object.entries(terms).map(([k, t]) => [k, tf.mean(t)])) as { total: tf.Scalar } & Record<string, tf.Scalar>;
    });
    this.grads = grads;
    return terms;
  }
}

/** The fast path for MLP VAEs: the whole step, Adam included, on the kernels, over plain arrays. */
class KernelStepEngine implements StepEngine {
  readonly path = 'native';
  private readonly net: MlpVaeOnKernels;
  private readonly adam: KernelAdam;

  constructor(private readonly kernels: Kernels, plan: MlpVaePlan, private readonly params: ParamStore, optimizer: Adam) {
    this.net = new MlpVaeOnKernels(kernels, plan, params.snapshot());
    this.adam = new KernelAdam(kernels, optimizer, this.net.values, this.net.grads);
  }

  gradients({ x, rows }: ImageBatch, inputs: StepInputs): StepTerms {
    const k = this.net.plan.latentDim;
    // The same draws, in the same order, as the tfjs model's drawEps.
    const eps = fillNormalWith(this.kernels, inputs.rng, new Float32Array(inputs.numSamples * rows * k));
    const { total, recon, kl } = this.net.gradients(x, rows, inputs.beta, inputs.numSamples, eps, inputs.objective, inputs.estimator);
    return { names: ['total', 'recon', 'kl'], values: [total, recon, kl] };
  }

  apply(): void {
    this.adam.apply();
  }

  discard(): void {}

  sync(): void {
    this.adam.sync(this.params);
  }

  dispose(): void {}
}

/**
 * The engine for a model: the hand-fused kernels where start-up chose them (src/fastpath/fused.ts) and the
 * model describes itself as an MLP VAE, else the tfjs backend.
 */
export function createStepEngine(model: Model, optimizer: Adam, dim: number): StepEngine {
  const kernels = fusedKernels();
  if (kernels && model.mlpVaePlan) return new KernelStepEngine(kernels, model.mlpVaePlan(), model.params, optimizer);
  return new TfjsStepEngine(model, optimizer, dim);
}

/** The tfjs engine alone, for regimes the hand-fused kernels do not run. */
export function tfjsStepEngine(model: Model, optimizer: Adam, dim: number): StepEngine {
  return new TfjsStepEngine(model, optimizer, dim);
}
