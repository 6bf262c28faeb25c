import { TrainConfig } from '../config/run.js';
import { Dataset } from '../data/dataset.js';
import { isStreamed, TrainImages } from '../data/streamed.js';
import { Model } from '../models/types.js';
import { Adam } from './adam.js';
import { EnginePath, TrainEvents } from './events.js';
import { runEpochs, Stepper } from './loop.js';
import { TrainState } from './state.js';

/** The images a run trains on. */
export interface TrainData {
  /** In memory, or read as a stream (src/data/streamed.ts) by the regimes that take batches in a shuffled pass. */
  train: TrainImages;
  /** Validation images, already binarized as the run asks. */
  val?: Dataset;
}

export type TrainStatus = 'finished' | 'stopped';

/** What a training regime is given, besides its model. */
export interface TrainContext<O extends Adam = Adam> {
  optimizer: O;
  state: TrainState;
  data: TrainData;
  train: TrainConfig;
  /** Whether batches are binarized dynamically. */
  binarize: boolean;
  events: TrainEvents;
  onEngine(path: EnginePath): void;
}

/**
 * A model's training regime, typed to the model (and optimizer) it trains: one gradient step per batch, several
 * optimizer steps in order, the semi-supervised step, a closed-form fit, or two stages. A kind declares its
 * regime in the registry (`trainer`); the regime never checks what model it was given.
 */
export interface StepStrategy<M extends Model, O extends Adam = Adam> {
  /** Whether the model offers a plan the hand-fused kernels run (src/fastpath/fused.ts). */
  offersFusedEngine(model: M): boolean;
  train(model: M, ctx: TrainContext<O>): Promise<TrainStatus>;
}

/** Runs the one epoch loop with `stepper`, telling where its steps run; the stepper is closed however it ends. */
export async function runStretch<B>(stepper: Stepper<B>, ctx: TrainContext): Promise<TrainStatus> {
  ctx.onEngine(stepper.path);
  try {
    return await runEpochs(stepper, ctx.state, { train: ctx.train, val: ctx.data.val, events: ctx.events });
  } finally {
    stepper.close();
  }
}

/** The training images of a regime that needs them in memory (a closed-form fit, semi-supervised batches). */
export function inMemory(data: TrainImages, kind: string): Dataset {
  if (isStreamed(data)) throw new Error(`${data.name} is streamed, and a ${kind} model trains on images in memory: set data.stream to 'never' (--stream never)`);
  return data;
}
