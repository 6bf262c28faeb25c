import * as tf from '@tensorflow/tfjs';
import { fusedKernels } from '../fastpath/fused.js';
import { Kernels } from '../fastpath/kernels.js';
import { M2OnKernels, MixedArrays } from '../fastpath/m2.js';
import { fillNormalWith } from '../fastpath/random.js';
import { MaybePromise } from '../tensorReads.js';
import { LabelCounts, MixedBatch, SemiSupervisedModel } from '../models/labelled.js';
import { Adam } from './adam.js';
import { HeldTfjsGradients } from './engine.js';
import { EnginePath } from './events.js';
import { KernelAdam } from './kernelAdam.js';
import { StepInputs, StepTerms, termsAndGradients } from './loop.js';

/**
 * Takes the semi-supervised steps: `gradients` computes the objective of a mixed batch and holds
 * its gradient, which the loop then `apply`s or, if a term is not finite, `discard`s. As StepEngine
 * (src/train/engine.ts), for the semi-supervised objective.
 */
export interface SemiSupervisedStepEngine {
  readonly path: EnginePath;
  /** The batch values of the model's named terms, `total` first (a promise where reads are asynchronous). */
  gradients(batch: MixedArrays, counts: LabelCounts, opts: StepInputs): MaybePromise<StepTerms>;
  apply(): void;
  discard(): void;
  /** Writes parameters and optimizer moments back to the model and the Adam instance. */
  sync(): void;
  dispose(): void;
}

/** The portable path: autodiff through the model's semiSupervisedLoss, on whatever tfjs backend runs. */
class TfjsSemiSupervisedEngine extends HeldTfjsGradients implements SemiSupervisedStepEngine {
  readonly path = 'portable';
  constructor(private readonly model: SemiSupervisedModel, optimizer: Adam) {
    super(optimizer);
  }

  gradients(batch: MixedArrays, counts: LabelCounts, opts: StepInputs): MaybePromise<StepTerms> {
    const { dim, rowsL, rowsU } = batch;
    const { terms, grads } = termsAndGradients(this.model.trainable.list(), () => {
      const mixed: MixedBatch = { labelled: { x: tf.tensor2d(batch.xl.subarray(0, rowsL * dim), [rowsL, dim]), labels: tf.tensor1d(Array.from(batch.yl).slice(0, rowsL), 'int32') } };
      if (batch.xu) mixed.unlabelled = tf.tensor2d(batch.xu.subarray(0, rowsU * dim), [rowsU, dim]);
      return this.model.semiSupervisedLoss(mixed, counts, opts);
    });
    this.grads = grads;
    return terms;
  }
}

/** The fast path for M2-shaped models: the whole step, Adam included, on the kernels. */
class KernelSemiSupervisedEngine implements SemiSupervisedStepEngine {
  readonly path = 'native';
  private readonly net: M2OnKernels;
  private readonly adam: KernelAdam;

  constructor(private readonly kernels: Kernels, private readonly model: SemiSupervisedModel, optimizer: Adam) {
    this.net = new M2OnKernels(kernels, model.m2Plan!(), model.trainable.snapshot());
    this.adam = new KernelAdam(kernels, optimizer, this.net.values, this.net.grads);
  }

  gradients(batch: MixedArrays, counts: LabelCounts, opts: StepInputs): StepTerms {
    const { latentDim: k, numClasses: K, features } = this.net.plan;
    // The same draws, in the same order, as the tfjs model: sampled features (labelled rows, then unlabelled
    // ones), the labelled bound's eps, then the unlabelled bound's.
    const featureEps = features?.sample ? fillNormalWith(this.kernels, opts.rng, new Float32Array((batch.rowsL + batch.rowsU) * features.latentDim)) : null;
    const epsL = fillNormalWith(this.kernels, opts.rng, new Float32Array(opts.numSamples * batch.rowsL * k));
    const epsU = fillNormalWith(this.kernels, opts.rng, new Float32Array(opts.numSamples * K * batch.rowsU * k));
    return this.net.gradients(batch, counts, opts.numSamples, epsL, epsU, featureEps);
  }

  apply(): void {
    this.adam.apply();
  }

  discard(): void {}

  sync(): void {
    this.adam.sync(this.model.trainable);
  }

  dispose(): void {}
}

/** The engine for a semi-supervised model: the hand-fused kernels where start-up chose them and the model has an M2 plan. */
export function createSemiSupervisedEngine(model: SemiSupervisedModel, optimizer: Adam): SemiSupervisedStepEngine {
  const kernels = fusedKernels();
  if (kernels && model.m2Plan) return new KernelSemiSupervisedEngine(kernels, model, optimizer);
  return new TfjsSemiSupervisedEngine(model, optimizer);
}
