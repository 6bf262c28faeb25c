/** The picture commands that apply to a trained model, for `vaekit train` to suggest when it finishes. */
import { Model } from '../models/types.js';
import { isClassifier } from '../models/labelled.js';
import { canDecode, canDecodeGivenLabel, canEncode, canEncodeGivenLabel, hasPrior } from '../views/capabilities.js';

/** Lines "vaekit <command> <runDir>   # what it shows", only for the parts the model has. */
export function viewCommandLines(model: Model, runDir: string): string[] {
  const decoder = canDecode(model);
  const encoder = canEncode(model);
  const k = (model as { latentDim?: number }).latentDim ?? 0;
  const rows: [string, string, string?][] = [];
  if (decoder && hasPrior(model)) rows.push(['sample', 'images decoded from prior draws']);
  if (decoder && encoder) rows.push(['reconstruct', 'test images beside their reconstructions']);
  if (decoder && k >= 2) rows.push(['manifold', 'the decoded latent grid', k === 2 ? '' : ' --dims 0,1']);
  if (encoder && k >= 2) rows.push(['embed', k === 2 ? 'the test set in latent space' : 'the test set in latent space (first two principal components)']);
  if (decoder && encoder) rows.push(['interpolate', 'decoded path between two test images', ' --from 0 --to 1']);
  if (decoder) rows.push(['traverse', 'each latent dimension swept over [-3, 3]']);
  if (canDecodeGivenLabel(model)) {
    rows.push(['sample', 'images of one class decoded from prior draws', ' --label 3']);
    if (k >= 2) rows.push(['manifold', 'the decoded latent grid for one class', ' --label 7']);
    if (canEncodeGivenLabel(model)) rows.push(['analogies', 'test images, their code decoded with every label']);
  }
  if (isClassifier(model)) rows.push(['classify', 'test error of q(y|x) and its confusion matrix']);
  rows.push(['report', 'all of it in one HTML page, with the training curves']);
  const commands = rows.map(([c, why, flags]) => [`vaekit ${c} ${runDir}${flags ?? ''}`, why]);
  const width = Math.max(...commands.map(([c]) => c.length));
  return commands.map(([c, why]) => `${c.padEnd(width)}  # ${why}`);
}
