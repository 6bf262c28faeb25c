/** The training section of a run's config: its type, defaults and fields, and the schedules they define. */
import { FieldSpec } from './schema.js';

/** What a `vae` is trained on: the ELBO, or the importance-weighted bound of Burda, Grosse & Salakhutdinov 2016. */
export type Objective = 'elbo' | 'iwae';
export const OBJECTIVES: readonly Objective[] = ['elbo', 'iwae'];

/**
 * The gradient estimator of the IWAE bound: standard (the bound's reparameterized gradient), or dreg, the doubly
 * reparameterized gradient of Tucker, Lawson, Gu & Maddison 2019 (eq. 5/6), for the encoder.
 */
export type Estimator = 'standard' | 'dreg';
export const ESTIMATORS: readonly Estimator[] = ['standard', 'dreg'];

/** How a model is trained. */
export interface TrainConfig {
  /** Passes over the training set. Default 10. */
  epochs: number;
  /** Images per optimizer step. Default 128. */
  batchSize: number;
  /** Adam learning rate. Default 1e-3. */
  lr: number;
  /** Epochs after which the learning rate is multiplied by lrStepFactor (a step schedule). Default none. */
  lrSteps: number[];
  /** What each of lrSteps multiplies the learning rate by. Default 0.1. */
  lrStepFactor: number;
  /** Weight of the KL term in the objective (beta-VAE, Higgins et al. 2017). Default 1. */
  beta: number;
  /** Epochs over which the KL weight rises linearly from 0 to beta (Bowman et al. 2016). Default 0. */
  warmupEpochs: number;
  /**
   * Monte Carlo samples of z per input: L in Kingma & Welling 2014, eq. 7, averaged by the ELBO; K in Burda et al.
   * 2016, eq. 8, weighted by the IWAE bound. Default 1.
   */
  numSamples: number;
  /**
   * elbo: the kind's own objective (the ELBO for a VAE); iwae: the importance-weighted bound of numSamples draws,
   * for the vae kind. Default 'elbo'.
   */
  objective: Objective;
  /**
   * standard, or dreg: the doubly reparameterized encoder gradient of the IWAE bound (Tucker et al. 2019), for
   * objective iwae only. Default 'standard'.
   */
  estimator: Estimator;
  /** Seed of every random stream of the run. Default 0. */
  seed: number;
  /** Adam's decay of the second moment (Kingma & Ba 2015, Alg. 1). Default 0.999. */
  adamBeta2: number;
  /** Adam's epsilon, added to the root of the second moment. Default 1e-8 (Burda et al. 2016 used 1e-4). */
  adamEpsilon: number;
  /**
   * Early stopping: training ends once this many epochs have passed without a better score (validation, else
   * training) since the best epoch and the end of any KL warm-up. Default 0 (every epoch is trained).
   */
  patience: number;
}

export const TRAIN_DEFAULTS: TrainConfig = { epochs: 10, batchSize: 128, lr: 1e-3, lrSteps: [], lrStepFactor: 0.1, beta: 1, warmupEpochs: 0, numSamples: 1, objective: 'elbo', estimator: 'standard', seed: 0, adamBeta2: 0.999, adamEpsilon: 1e-8, patience: 0 };

export const TRAIN_FIELDS: FieldSpec[] = [
  { key: 'epochs', flag: 'epochs', help: 'passes over the training set', type: { type: 'int', min: 1 } },
  { key: 'batchSize', flag: 'batch-size', help: 'images per optimizer step', type: { type: 'int', min: 1 } },
  { key: 'lr', flag: 'lr', help: 'Adam learning rate', type: { type: 'number', exclusiveMin: 0 } },
  { key: 'lrSteps', flag: 'lr-steps', help: 'epochs after which the learning rate is multiplied by --lr-step-factor, e.g. 200,250 (empty: constant)', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'lrStepFactor', flag: 'lr-step-factor', help: 'what each of --lr-steps multiplies the learning rate by', type: { type: 'number', exclusiveMin: 0 } },
  { key: 'beta', flag: 'beta', help: 'weight of the KL term (beta-VAE)', type: { type: 'number', min: 0 } },
  { key: 'warmupEpochs', flag: 'warmup-epochs', help: 'epochs of linear KL warm-up from 0 to beta', type: { type: 'number', min: 0 } },
  { key: 'numSamples', flag: 'samples', alias: 'k', help: 'samples of z per input (L for the ELBO, K for the IWAE bound)', type: { type: 'int', min: 1 } },
  { key: 'objective', flag: 'objective', help: 'elbo, or iwae: the importance-weighted bound of K samples (vae only)', type: { type: 'enum', choices: OBJECTIVES } },
  { key: 'estimator', flag: 'estimator', help: "gradient of the IWAE bound: standard, or dreg, the doubly reparameterized encoder gradient (Tucker et al. 2019; --objective iwae only)", type: { type: 'enum', choices: ESTIMATORS } },
  { key: 'adamBeta2', flag: 'adam-beta2', help: "Adam's decay of the second moment", type: { type: 'number', min: 0, exclusiveMax: 1 } },
  { key: 'adamEpsilon', flag: 'adam-eps', help: "Adam's epsilon, added to the root of the second moment", type: { type: 'number', exclusiveMin: 0 } },
  { key: 'patience', flag: 'patience', help: 'early stopping: end training once this many epochs pass without a better validation score (counted from the end of any KL warm-up; 0: train every epoch)', type: { type: 'int', min: 0 } },
  { key: 'seed', flag: 'seed', help: 'seed of every random stream (init, shuffling, binarization, eps)', type: { type: 'int', min: 0 } },
];

/** The learning rate of (1-based) epoch `epoch`: lr, times lrStepFactor for each of lrSteps it comes after. */
export function learningRate(train: TrainConfig, epoch: number): number {
  return train.lr * train.lrStepFactor ** train.lrSteps.filter((s) => epoch > s).length;
}

/**
 * Whether early stopping ends training where `state` stands: `patience` epochs since the best epoch, counted from
 * the end of the KL warm-up at the earliest, since the objective itself changes during warm-up (Tomczak & Welling
 * 2018's code likewise counts only after warm-up).
 */
export function stopsEarly(train: TrainConfig, state: { epoch: number; best: { epoch: number } | null }): boolean {
  return train.patience > 0 && state.best !== null && state.epoch - Math.max(state.best.epoch, Math.ceil(train.warmupEpochs)) >= train.patience;
}

/** The KL weight at a (fractional) epoch: linear warm-up from 0 to beta over warmupEpochs. */
export function klWeight(train: TrainConfig, epochProgress: number): number {
  if (train.warmupEpochs <= 0) return train.beta;
  return train.beta * Math.min(1, epochProgress / train.warmupEpochs);
}
