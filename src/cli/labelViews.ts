/** What the picture commands need for models that decode given a label (CVAE, M2): the --label flag. */
import { Model } from '../models/types.js';
import { canDecodeGivenLabel, CodeDecoder, decoderForLabel, hasStandardNormalPrior } from '../views/capabilities.js';
import { UsageError } from './flags.js';

/** The model's decoder with --label fixed, after checking the model has one and the label is one of its. */
export function labelledDecoder(model: Model, label: number, needsPrior: boolean): CodeDecoder {
  if (!canDecodeGivenLabel(model)) throw new UsageError(`--label: model kind ${model.kind} does not decode given a label; drop --label`);
  if (label >= model.numClasses) throw new UsageError(`--label ${label}: the model's labels are 0..${model.numClasses - 1}`);
  if (needsPrior && !hasStandardNormalPrior(model)) throw new UsageError(`model kind ${model.kind} has no prior over codes to sample from`);
  return decoderForLabel(model, label);
}
