import { TrainConfig } from '../config/run.js';
import { FittedModel } from '../models/pca.js';
import { SemiSupervisedModel } from '../models/labelled.js';
import { TwoStageModel } from '../models/m1m2.js';
import { modelKindSpec, TrainerKind } from '../models/registry.js';
import { Model, MultiStepModel } from '../models/types.js';
import { Adam } from './adam.js';
import { EnginePath, TrainEvents } from './events.js';
import { closedFormFit } from './fit.js';
import { multiStep } from './multiStep.js';
import { labelledStep, oneStep } from './oneStep.js';
import { semiSupervised } from './semiSupervised.js';
import { TrainState } from './state.js';
import { StepOptimizers } from './stepOptimizers.js';
import { StepStrategy, TrainData, TrainStatus } from './strategy.js';
import { twoStages } from './twoStage.js';

export type { TrainData, TrainStatus } from './strategy.js';

/** What each regime the registry can name trains: its model and its optimizer. */
interface Regimes {
  standard: [Model, Adam];
  labelled: [Model, Adam];
  multistep: [MultiStepModel, StepOptimizers];
  fit: [FittedModel, Adam];
  'semi-supervised': [SemiSupervisedModel, Adam];
  'two-stage': [TwoStageModel, Adam];
}

/** The regimes, by the name a kind declares in the registry, each typed to the model (and optimizer) it trains. */
export const STRATEGIES: { [T in TrainerKind]: StepStrategy<Regimes[T][0], Regimes[T][1]> } = {
  standard: oneStep,
  labelled: labelledStep,
  multistep: multiStep,
  fit: closedFormFit,
  'semi-supervised': semiSupervised,
  'two-stage': twoStages,
};

/**
 * The regime a model's kind declares. createModel builds for each kind the model its regime trains, and
 * createRun the optimizer (one per step for a model that declares steps), so the regime takes them as they are.
 */
function strategyOf(model: Model): StepStrategy<Model> {
  return STRATEGIES[modelKindSpec(model.kind).trainer] as StepStrategy<Model>;
}

/** How to train, beyond the model and its data. */
export interface TrainOptions {
  /** Epochs, batch size, learning rate and its steps, KL weight and warm-up, samples of z, seed. */
  train: TrainConfig;
  /** Redraw every batch's pixels as 0 or 1 by their intensities (the run's data.binarize 'dynamic'). Default false. */
  binarize?: boolean;
  events?: TrainEvents;
  /** Told where the steps run, at the start of training (and of each stage of a two-stage run). */
  onEngine?(path: EnginePath): void;
}

/**
 * Trains a run's model with the regime its kind declares, from wherever `run.state` stands, until
 * `train.epochs` are done (or `events.shouldStop` says stop: 'stopped', resumable exactly). Steps run on the
 * hand-fused kernels where start-up chose them and the model offers a plan, else on the tfjs backend.
 */
export function trainModel(run: { model: Model; optimizer: Adam; state: TrainState }, data: TrainData, options: TrainOptions): Promise<TrainStatus> {
  return strategyOf(run.model).train(run.model, {
    optimizer: run.optimizer,
    state: run.state,
    data,
    train: options.train,
    binarize: options.binarize ?? false,
    events: options.events ?? {},
    onEngine: options.onEngine ?? (() => {}),
  });
}

/** Whether a model's regime can run on the hand-fused kernels (`--engine native` refuses a model that cannot). */
export function offersFusedEngine(model: Model): boolean {
  return strategyOf(model).offersFusedEngine(model);
}
