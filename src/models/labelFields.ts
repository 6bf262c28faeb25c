/**
 * The config fields the label-aware kinds share (Kingma, Rezende, Mohamed & Welling 2014): the label count, the
 * semi-supervised objective's settings and M2's networks, which the CVAE and M1+M2 reuse.
 */
import { FieldSpec } from '../config/schema.js';
import { ACTIVATIONS } from '../nn/activations.js';
import { decoderReads, KERNEL_DECODERS } from './decoders.js';
import { NET_FIELDS } from './netConfig.js';

export const CLASSES_FIELD: FieldSpec = { key: 'classes', flag: 'classes', help: 'number of labels y', type: { type: 'int', min: 2 } };

/** Fields of the semi-supervised objective and its batches (Kingma et al. 2014, eq. 9). */
export const SEMI_SUPERVISED_FIELDS: FieldSpec[] = [
  CLASSES_FIELD,
  { key: 'labelled', flag: 'labelled', help: 'training images that keep their label, balanced per class (a multiple of --classes; 0: all)', type: { type: 'int', min: 0 } },
  { key: 'labelledBatch', flag: 'labelled-batch', help: 'labelled examples added to every batch of --batch-size unlabelled ones', type: { type: 'int', min: 1 } },
  // Kingma et al. 2014, eq. 9: J^alpha = sum L + sum U + alpha E_labelled[-log q(y|x)], summed over the N
  // training images, with alpha = 0.1 N. vaekit minimizes J^alpha / N, so its alpha is theirs / N: 0.1 is the
  // paper's (and its code's, learn_yz_x_ss.py, over 3000 epochs), which leaves q(y|x) unfit for many epochs.
  { key: 'alpha', flag: 'alpha', help: 'weight of the mean -log q(y|x) over the labelled images in the objective per image (J/N): the paper\'s alpha / N, so its alpha = 0.1 N is 0.1 here, trained there for 3000 epochs; at 0.1 M2 still misclassifies ~40% after 5 epochs on 100 labels, at 20 the classifier fits them within an epoch or two', type: { type: 'number', min: 0 } },
];

export const M2_NETWORK_FIELDS: FieldSpec[] = [
  { key: 'latentDim', flag: 'latent', help: 'dimensions of the latent code z', type: { type: 'int', min: 1 } },
  { key: 'hidden', flag: 'hidden', help: 'hidden layer sizes of q(z|x,y); p(x|y,z) mirrors them', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'classifierHidden', flag: 'classifier-hidden', help: 'hidden layer sizes of the classifier q(y|x)', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'activation', flag: 'activation', help: 'nonlinearity of the hidden layers', type: { type: 'enum', choices: ACTIVATIONS } },
  // M2 and M1+M2 run on the native kernels, so only their decoders; the conditional VAE takes every one (below).
  { key: 'decoder', flag: 'decoder', help: 'likelihood p(x|y,z): Bernoulli on logits, Gaussian with fixed sigma, or with learned variance', type: { type: 'enum', choices: KERNEL_DECODERS } },
  { key: 'sigma', flag: 'sigma', help: 'standard deviation of the fixed-sigma Gaussian decoder', type: { type: 'number', exclusiveMin: 0 }, appliesWhen: decoderReads('sigma') },
  { key: 'minLogVar', flag: 'min-log-var', help: 'floor of the learned log-variance (gaussian-learned)', type: { type: 'number' }, appliesWhen: decoderReads('minLogVar') },
];

/** The fields of NET_FIELDS with another help text each: `net`'s, then `channels`'. */
export function netFields(netHelp: string, channelsHelp: string): FieldSpec[] {
  const [net, channels] = NET_FIELDS;
  return [{ ...net, help: netHelp }, { ...channels, help: channelsHelp }];
}
