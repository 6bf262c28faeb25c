/**
 * The label-aware model kinds (Kingma, Rezende, Mohamed & Welling 2014): their field tables and registry
 * entries, kept apart from registry.ts, which spreads them into MODEL_KINDS.
 */
import { FieldSpec } from '../config/schema.js';
import { ACTIVATIONS } from '../nn/activations.js';
import { CVAE_DEFAULTS, CvaeConfig } from './cvaeConfig.js';
import { decoderReads, DECODERS, KERNEL_DECODERS } from './decoders.js';
import { NET_FIELDS } from './netConfig.js';
import { M1M2_DEFAULTS, M1M2Config } from './m1m2Config.js';
import { M2_DEFAULTS, M2Config } from './m2Config.js';
import type { ModelKindSpec } from './registry.js';
import { autoencoderParameters, denseParameters, trunkSize } from './size.js';
import type { ImageShape } from '../nn/convNet.js';

/** The configs of the label-aware kinds. */
export type LabelModelConfig = CvaeConfig | M2Config | M1M2Config;

/** The step strategies they declare (src/train/train.ts STRATEGIES). */
export type LabelTrainerKind = 'labelled' | 'semi-supervised' | 'two-stage';

const CLASSES_FIELD: FieldSpec = { key: 'classes', flag: 'classes', help: 'number of labels y', type: { type: 'int', min: 2 } };

/** Fields of the semi-supervised objective and its batches (Kingma et al. 2014, eq. 9). */
const SEMI_SUPERVISED_FIELDS: FieldSpec[] = [
  CLASSES_FIELD,
  { key: 'labelled', flag: 'labelled', help: 'training images that keep their label, balanced per class (a multiple of --classes; 0: all)', type: { type: 'int', min: 0 } },
  { key: 'labelledBatch', flag: 'labelled-batch', help: 'labelled examples added to every batch of --batch-size unlabelled ones', type: { type: 'int', min: 1 } },
  // Kingma et al. 2014, eq. 9: J^alpha = sum L + sum U + alpha E_labelled[-log q(y|x)], summed over the N
  // training images, with alpha = 0.1 N. vaekit minimizes J^alpha / N, so its alpha is theirs / N: 0.1 is the
  // paper's (and its code's, learn_yz_x_ss.py, over 3000 epochs), which leaves q(y|x) unfit for many epochs.
  { key: 'alpha', flag: 'alpha', help: 'weight of the mean -log q(y|x) over the labelled images in the objective per image (J/N): the paper\'s alpha / N, so its alpha = 0.1 N is 0.1 here, trained there for 3000 epochs; at 0.1 M2 still misclassifies ~40% after 5 epochs on 100 labels, at 20 the classifier fits them within an epoch or two', type: { type: 'number', min: 0 } },
];

const M2_NETWORK_FIELDS: FieldSpec[] = [
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
function netFields(netHelp: string, channelsHelp: string): FieldSpec[] {
  const [net, channels] = NET_FIELDS;
  return [{ ...net, help: netHelp }, { ...channels, help: channelsHelp }];
}

const M2_FIELDS: FieldSpec[] = [
  ...M2_NETWORK_FIELDS,
  ...netFields(
    'networks: mlp (dense layers) or conv (strided convolutions on x, then the --hidden dense layers of q(z|x,y) and the --classifier-hidden ones of q(y|x); p(x|y,z) mirrors q(z|x,y) with transposed convolutions); conv trains on the portable engine only',
    'conv: channels of the convolutions of q(z|x,y), q(y|x) and (mirrored) p(x|y,z), each kernel 4, stride 2, padding 1 (halving the image), e.g. 32,64',
  ),
  ...SEMI_SUPERVISED_FIELDS,
];

const CVAE_DECODER_FIELD: FieldSpec = {
  key: 'decoder',
  flag: 'decoder',
  help: 'likelihood p(x|y,z): Bernoulli on logits, Gaussian with fixed sigma or learned variance, discretized logistic (8-bit data), or gaussian-ar (learned variance, residuals autoregressive over a 5x5 causal window)',
  type: { type: 'enum', choices: DECODERS },
};

const CVAE_FIELDS: FieldSpec[] = [
  ...M2_NETWORK_FIELDS.filter((f) => f.key !== 'classifierHidden').map((f) => (f.key === 'decoder' ? CVAE_DECODER_FIELD : f)),
  ...NET_FIELDS,
  CLASSES_FIELD,
];

const M1M2_FIELDS: FieldSpec[] = [
  { key: 'm1Latent', flag: 'm1-latent', help: 'dimensions of M1\'s latent z1: the features M2 models', type: { type: 'int', min: 1 } },
  { key: 'm1Hidden', flag: 'm1-hidden', help: 'hidden layer sizes of M1\'s encoder; its decoder mirrors them', type: { type: 'int-list', min: 1, allowEmpty: true } },
  { key: 'm1Epochs', flag: 'm1-epochs', help: 'epochs of stage 1 (M1 on every training image), counted in --epochs; the rest train M2', type: { type: 'int', min: 0 } },
  { key: 'features', flag: 'features', help: 'what M2 trains on: a fresh draw from M1\'s q(z1|x) each step (sample, as Kingma et al.\'s code) or its mean; classification always uses the mean', type: { type: 'enum', choices: ['sample', 'mean'] } },
  ...netFields(
    'M1\'s networks: mlp (dense layers) or conv (strided convolutions, then the --m1-hidden dense layers; its decoder mirrors them with transposed convolutions); M2 stays an MLP on M1\'s features either way; conv trains on the portable engine only',
    'conv: channels of M1\'s convolutions, each kernel 4, stride 2, padding 1 (halving the image), e.g. 32,64',
  ),
  ...M2_NETWORK_FIELDS.map((f) => ({ ...f, help: `M2: ${f.help.replace('p(x|y,z)', 'p(z1|y,z)').replace('q(z|x,y)', 'q(z|z1,y)')}` })),
  ...SEMI_SUPERVISED_FIELDS,
];

export const LABEL_KINDS: { cvae: ModelKindSpec<CvaeConfig>; m2: ModelKindSpec<M2Config>; m1m2: ModelKindSpec<M1M2Config> } = {
  cvae: {
    kind: 'cvae',
    description: 'conditional VAE: q(z|x,y), p(x|y,z) with y one-hot, N(0, I) prior, ELBO given the label',
    defaults: CVAE_DEFAULTS,
    fields: CVAE_FIELDS,
    trainer: 'labelled',
    objective: '-elbo',
    size: (config, shape) => ({ parameters: autoencoderParameters(config, shape, 2 * config.latentDim, config.latentDim, config.classes) }),
  },
  m2: {
    kind: 'm2',
    description: 'M2 semi-supervised VAE: q(y|x), q(z|x,y), p(x|y,z) on partly labelled data (Kingma et al. 2014)',
    defaults: M2_DEFAULTS,
    fields: M2_FIELDS,
    trainer: 'semi-supervised',
    objective: '-J/N',
    size: (config, shape) => {
      const trunk = trunkSize(config, shape);
      const classifier = trunk.parameters + denseParameters([trunk.features, ...config.classifierHidden, config.classes]);
      return { parameters: autoencoderParameters(config, shape, 2 * config.latentDim, config.latentDim, config.classes) + classifier };
    },
  },
  m1m2: {
    kind: 'm1m2',
    description: 'M1+M2: a VAE (M1) trained on all images, then M2 on its features; one checkpoint classifies raw images (Kingma et al. 2014)',
    defaults: M1M2_DEFAULTS,
    fields: M1M2_FIELDS,
    trainer: 'two-stage',
    objective: '-J/N',
    size: (config, shape) => {
      const m1 = autoencoderParameters({ ...config, hidden: config.m1Hidden }, shape, 2 * config.m1Latent, config.m1Latent);
      // M2 models M1's features, a vector of m1Latent values, with dense layers only.
      const features: ImageShape = [1, 1, config.m1Latent];
      const m2 = autoencoderParameters({ hidden: config.hidden }, features, 2 * config.latentDim, config.latentDim, config.classes);
      return { parameters: m1 + m2 + denseParameters([config.m1Latent, ...config.classifierHidden, config.classes]) };
    },
  },
};
