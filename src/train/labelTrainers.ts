import { LabelTrainerKind } from '../models/spec.js';
import { trainLabelled } from './labelledTrainer.js';
import { trainSemiSupervised } from './semiSupervised.js';
import { train } from './trainer.js';
import { trainTwoStage } from './twoStage.js';

/** The trainers of the label-aware kinds, by the name they declare in the registry. */
export const LABEL_TRAINERS: Record<LabelTrainerKind, typeof train> = { labelled: trainLabelled, 'semi-supervised': trainSemiSupervised, 'two-stage': trainTwoStage };
