/**
 * What a model kind declares about itself. A kind's spec sits with its config type (src/models/<kind>Config.ts),
 * apart from the model's math (src/models/<kind>.ts), which it loads on demand, so that reading specs loads no
 * tfjs; src/models/registry.ts lists the specs. Nothing else in vaekit asks a kind for its name: what differs
 * between kinds is a field here or a method the model offers.
 */
import type { FieldSpec } from '../config/schema.js';
import type { Objective, TrainConfig } from '../config/train.js';
import type { ImageShape } from '../nn/convNet.js';
import type { ModelSize } from './size.js';
import type { Model } from './types.js';

/** The step strategies of the label-aware kinds (src/train/train.ts STRATEGIES). */
export type LabelTrainerKind = 'labelled' | 'semi-supervised' | 'two-stage';

/**
 * How a kind is trained: the name of its step strategy (src/train/train.ts STRATEGIES, each typed to the model
 * it trains). Declared by the kind, never guessed from its name. standard: gradient steps on the
 * batch mean of `total`; fit: a closed-form fit to the training set in one pass (the model is a FittedModel);
 * multistep: the ordered optimizer steps the model declares (a MultiStepModel), each with its own optimizer;
 * labelled: steps on labelled batches; semi-supervised: mixed labelled and unlabelled batches; two-stage: a
 * first model, then a second on its features.
 */
export type TrainerKind = 'standard' | 'fit' | 'multistep' | LabelTrainerKind;

/** Builds a new, freshly initialized model; conv networks need the image `shape` [height, width, channels]. */
export type ModelFactory<C extends KindConfig = KindConfig> = (config: C, inputDim: number, seed: number, shape?: ImageShape) => Model;

/** The config every kind has: its name. */
export interface KindConfig {
  kind: string;
}

/** Everything vaekit knows about a model kind. */
export interface ModelKindSpec<C extends KindConfig = KindConfig> {
  kind: C['kind'];
  /** One line: what the model is, e.g. 'variational autoencoder: Gaussian encoder, N(0, I) prior, ELBO objective'. */
  description: string;
  /** The config a run starts from before a config file and flags. */
  defaults: C;
  /** The config's fields: key, flag, type and help, in the order --help lists them. */
  fields: FieldSpec[];
  trainer: TrainerKind;
  /** What the objective `total` is called in logs, e.g. '-elbo'. */
  objective: string;
  /**
   * The training objectives (train.objective) the kind's model computes in `lossTerms`: elbo is the kind's own,
   * iwae the importance-weighted bound. Default elbo only.
   */
  objectives?: readonly Objective[];
  /**
   * Loads the model's code and returns what builds a new model of the kind (src/models/create.ts loads every
   * registered kind's before it creates any).
   */
  load(): Promise<ModelFactory<C>>;
  /** How large a model of this config would be for images of `shape` [height, width, channels] (src/models/size.ts). */
  size(config: C, shape: ImageShape): ModelSize;
  /**
   * Training settings the kind has no use for, and why: given by the user (flags, a config file), they are
   * refused with this reason. Default: it uses them all.
   */
  unusedTrainSettings?: { keys: (keyof TrainConfig)[]; reason: string };
  /** The kind's own defaults for training settings, over the common ones (a fitted kind's one pass). */
  trainDefaults?: Partial<TrainConfig>;
  /**
   * What the config's `decoder` models: the images' pixels (scored in bits per dimension on 8-bit data), or
   * features of another model (M1+M2's M2 models M1's codes). Default 'pixels' where the config has a decoder.
   */
  decoderModels?: 'pixels' | 'features';
  /** The kind's name in the literature's tables, e.g. 'M1+M2' (Kingma et al. 2014). Default: `kind`. */
  title?: string;
}
