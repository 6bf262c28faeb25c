import * as tf from '@tensorflow/tfjs';
import { Kernels } from '../fastpath/kernels.js';
import { MlpVaeOnKernels } from '../fastpath/mlpVae.js';
import { bernoulliWith, fillNormalWith } from '../fastpath/random.js';
import { binarizeInPlace } from '../data/transforms.js';
import { isSemiSupervisedModel } from '../models/labelled.js';
import { MlpVaePlan, Model } from '../models/types.js';
import { ParamStore } from '../nn/params.js';
import { Rng } from '../rng.js';
import { Adam } from './adam.js';
import { KernelAdam } from './kernelAdam.js';
import { termsAndGradients } from './loop.js';

/** What one step needs besides the batch. */
export interface StepOptions {
  beta: number;
  numSamples: number;
  /** The step's eps stream. */
  rng: Rng;
}

/**
 * Takes optimizer steps for the trainer. `gradients` computes the loss and holds the gradient; the trainer
 * then either `apply`s it or, if a loss term is not finite, `discard`s it. The portable engine works on the
 * model's tfjs variables; a fast engine keeps its own copy, written back by `sync`.
 */
export interface StepEngine {
  /** 'portable' (tfjs) or 'native' (the fast path's kernels). */
  readonly path: 'portable' | 'native';
  /** Dynamic binarization of a batch in place (src/data/transforms.ts binarizeInPlace, the same draws). */
  binarize(x: Float32Array, rng: Rng): void;
  /** Batch means of the model's named loss terms, `total` first. */
  gradients(x: Float32Array, rows: number, opts: StepOptions): { names: string[]; values: number[] };
  apply(): void;
  discard(): void;
  /** Writes parameters and optimizer moments back to the model and the Adam instance. */
  sync(): void;
  dispose(): void;
}

/**
 * What the portable engines share: the tfjs gradient of the last step, held until the trainer applies it with
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

/** The portable path: autodiff through the model's lossTerms, on whatever tfjs backend is running. */
class TfjsStepEngine extends HeldTfjsGradients implements StepEngine {
  readonly path = 'portable';

  constructor(private readonly model: Model, optimizer: Adam, private readonly dim: number) {
    super(optimizer);
  }

  binarize(x: Float32Array, rng: Rng): void {
    binarizeInPlace(x, rng);
  }

  gradients(x: Float32Array, rows: number, opts: StepOptions): { names: string[]; values: number[] } {
    const { names, values, grads } = termsAndGradients(this.model.params.list(), () => {
      const terms = this.model.lossTerms({ x: tf.tensor2d(x, [rows, this.dim]) }, opts);
      return Object.fromEntries(Object.entries(terms).map(([k, t]) => [k, tf.mean(t)])) as { total: tf.Scalar } & Record<string, tf.Scalar>;
    });
    this.grads = grads;
    return { names, values };
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

  binarize(x: Float32Array, rng: Rng): void {
    bernoulliWith(this.kernels, rng, x);
  }

  gradients(x: Float32Array, rows: number, opts: StepOptions): { names: string[]; values: number[] } {
    const k = this.net.plan.latentDim;
    // The same draws, in the same order, as the tfjs model's drawEps.
    const eps = fillNormalWith(this.kernels, opts.rng, new Float32Array(opts.numSamples * rows * k));
    const { total, recon, kl } = this.net.gradients(x, rows, opts.beta, opts.numSamples, eps);
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
 * The engine for a model: the kernels' fast path when kernels are given and the model describes itself as
 * an MLP VAE, else the portable tfjs path.
 */
export function createStepEngine(model: Model, optimizer: Adam, dim: number, kernels?: Kernels | null): StepEngine {
  if (kernels && model.mlpVaePlan) return new KernelStepEngine(kernels, model.mlpVaePlan(), model.params, optimizer);
  return new TfjsStepEngine(model, optimizer, dim);
}

/**
 * Whether the native kernels can take a model's training steps: it declares an MLP VAE plan (createStepEngine
 * here) or an M2 plan (createSemiSupervisedEngine; M1+M2 declares one only when its M1 is the MLP VAE, so both
 * its stages run there). Conv networks, and the kinds and decoders without a fast path, declare neither and
 * train through tfjs.
 */
export function hasNativePath(model: Model): boolean {
  return typeof model.mlpVaePlan === 'function' || (isSemiSupervisedModel(model) && typeof model.m2Plan === 'function');
}
