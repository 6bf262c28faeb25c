import { modelKindSpec, TrainerKind } from '../models/registry.js';
import { fit } from './fit.js';
import { trainSteps } from './multiStep.js';
import { LABEL_TRAINERS } from './labelTrainers.js';
import { train } from './trainer.js';

/** The trainers, by the name a model kind declares in the registry. */
export const TRAINERS: Record<TrainerKind, typeof train> = { standard: train, fit, multistep: trainSteps, ...LABEL_TRAINERS };

/** Trains a run with the trainer its model kind declares; same arguments as `train`. */
export function trainModel(...args: Parameters<typeof train>): ReturnType<typeof train> {
  const config = args[3];
  return TRAINERS[modelKindSpec(config.model.kind).trainer](...args);
}
