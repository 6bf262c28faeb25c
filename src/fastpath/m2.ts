import { ACTIVATIONS } from '../nn/dense.js';
import { ConditionalLayersRef } from '../nn/conditional.js';
import { LabelCounts, M2Plan } from '../models/labelled.js';
import { DECODERS } from '../models/likelihood.js';
import { Kernels } from './kernels.js';
import { LayersOnKernels } from './mlp.js';

/** One mixed batch as plain arrays: labelled rows with their labels, and unlabelled rows (maybe none). */
export interface MixedArrays {
  /** Values per image row. */
  dim: number;
  xl: Float32Array;
  yl: ArrayLike<number>;
  rowsL: number;
  xu: Float32Array | null;
  rowsU: number;
}

/** The batch values of M2's objective, named as M2.semiSupervisedLoss names them (`total` first). */
export interface M2Terms {
  names: string[];
  values: number[];
}

/**
 * M2 of src/models/m2.ts on a set of kernels: the same networks and the same objective (Kingma et al. 2014,
 * eq. 9, per example), its gradient written out by hand. The labelled rows and every (unlabelled row, label)
 * pair go through q(z|x,y) and p(x|y,z) as one batch of bound rows R = rowsL + K * rowsU: labelled rows
 * first, then label-major (row rowsL + c * rowsU + b is unlabelled image b with label c), as the tfjs model
 * lays them out, so both see the same eps.
 */
export class M2OnKernels {
  private readonly net: LayersOnKernels;
  private readonly features: LayersOnKernels | null = null;
  private readonly decoderCode: number;

  constructor(private readonly kernels: Kernels, readonly plan: M2Plan, values: Map<string, Float32Array>) {
    this.net = new LayersOnKernels(kernels, values);
    for (const net of [plan.encoder, plan.decoder]) {
      const { inW, yW, b, inSize, outSize, numClasses } = net.first;
      this.net.adopt(inW, inSize * outSize);
      this.net.adopt(yW, numClasses * outSize);
      this.net.adopt(b, outSize);
      this.net.adoptLayers(net.rest);
    }
    this.net.adoptLayers(plan.classifier);
    if (plan.features) {
      this.features = new LayersOnKernels(kernels, plan.features.values);
      this.features.adoptLayers(plan.features.encoder);
    }
    this.decoderCode = DECODERS.indexOf(plan.likelihood.decoder);
  }

  get values(): Map<string, Float32Array> {
    return this.net.values;
  }

  get grads(): Map<string, Float32Array> {
    return this.net.grads;
  }

  /**
   * What M2 models for `rows` stacked images: the images, or the first model's q(z1|x): a draw from it with
   * `featureEps` [rows, k1], else its mean, times the plan's mask where it has one.
   */
  private modelled(x: Float32Array, rows: number, featureEps: Float32Array | null): Float32Array {
    if (!this.features) return x;
    const { encoder, latentDim: k1 } = this.plan.features!;
    const out = this.features.forward(encoder, x, rows, 'feat');
    const encOut = out[out.length - 1];
    const z1 = this.net.work.get('features', rows * k1);
    if (featureEps) {
      this.kernels.gaussianHead(encOut, featureEps, rows, k1, 1, z1, null);
    } else {
      for (let r = 0; r < rows; r++) z1.set(encOut.subarray(r * 2 * k1, r * 2 * k1 + k1), r * k1);
    }
    const mask = this.plan.features!.mask;
    if (mask) for (let i = 0; i < rows * k1; i++) z1[i] *= mask[i % k1];
    return z1;
  }

  /**
   * The first layer of a conditional network: act(input W_in + onehot(y) W_y + b) on `rows` rows. With
   * `source`, row r takes input row source[r], and the product input W_in is taken once per input row.
   */
  private conditionalForward(first: ConditionalLayersRef['first'], input: Float32Array, inputRows: number, source: Int32Array | null, oneHot: Float32Array, rows: number, prefix: string): Float32Array {
    const { inW, yW, b, inSize, outSize, numClasses } = first;
    const pre = this.net.work.get(`${prefix}pre`, rows * outSize);
    if (source) {
      const part = this.net.work.get(`${prefix}part`, inputRows * outSize);
      this.kernels.gemm(false, false, inputRows, outSize, inSize, input, this.net.values.get(inW)!, part, 0);
      for (let r = 0; r < rows; r++) pre.set(part.subarray(source[r] * outSize, (source[r] + 1) * outSize), r * outSize);
    } else {
      this.kernels.gemm(false, false, rows, outSize, inSize, input, this.net.values.get(inW)!, pre, 0);
    }
    this.kernels.gemm(false, false, rows, outSize, numClasses, oneHot, this.net.values.get(yW)!, pre, 1);
    this.kernels.biasActivation(pre, this.net.values.get(b)!, rows, outSize, ACTIVATIONS.indexOf(first.activation));
    return pre;
  }

  /** Backward through conditionalForward from dL/d(output) (overwritten); returns dL/d(input) if asked. */
  private conditionalBackward(first: ConditionalLayersRef['first'], input: Float32Array, inputRows: number, source: Int32Array | null, oneHot: Float32Array, out: Float32Array, dOut: Float32Array, rows: number, prefix: string, inputGrad: boolean): Float32Array | null {
    const { inW, yW, b, inSize, outSize, numClasses } = first;
    const grads = this.net.grads;
    this.kernels.activationGrad(dOut, out, rows * outSize, ACTIVATIONS.indexOf(first.activation));
    this.kernels.gemm(true, false, numClasses, outSize, rows, oneHot, dOut, grads.get(yW)!, 0);
    this.kernels.columnSums(dOut, rows, outSize, grads.get(b)!);
    if (source) {
      // Rows that share an input row share its part: their gradients add up there.
      const dPart = this.net.work.get(`${prefix}dPart`, inputRows * outSize).fill(0);
      for (let r = 0; r < rows; r++) {
        const to = source[r] * outSize;
        for (let j = 0, from = r * outSize; j < outSize; j++) dPart[to + j] += dOut[from + j];
      }
      this.kernels.gemm(true, false, inSize, outSize, inputRows, input, dPart, grads.get(inW)!, 0);
      return null;
    }
    this.kernels.gemm(true, false, inSize, outSize, rows, input, dOut, grads.get(inW)!, 0);
    if (!inputGrad) return null;
    const dInput = this.net.work.get(`${prefix}dIn`, rows * inSize);
    this.kernels.gemm(false, true, rows, inSize, outSize, dOut, this.net.values.get(inW)!, dInput, 0);
    return dInput;
  }

  /**
   * The batch values of the objective and, in `grads`, its gradient: (N_l / N) mean L(x,y) + alpha mean
   * -log q(y|x) over the labelled rows, plus (N_u / N) mean U(x) over the unlabelled ones. epsL [samples,
   * rowsL, latentDim] and epsU [samples, K * rowsU, latentDim] are drawn in that order, as the tfjs model does,
   * after featureEps [rowsL + rowsU, k1] where the plan samples its features.
   */
  gradients(batch: MixedArrays, counts: LabelCounts, samples: number, epsL: Float32Array, epsU: Float32Array, featureEps: Float32Array | null = null): M2Terms {
    const { plan, kernels, net } = this;
    const { rowsL, rowsU } = batch;
    const K = plan.numClasses;
    const k = plan.latentDim;
    const rawDim = batch.dim;
    const inputs = rowsL + rowsU;
    const R = rowsL + K * rowsU;
    const work = net.work;

    // The images stacked [labelled; unlabelled], and what M2 models of them.
    const raw = work.get('raw', inputs * rawDim);
    raw.set(batch.xl.subarray(0, rowsL * rawDim));
    if (batch.xu) raw.set(batch.xu.subarray(0, rowsU * rawDim), rowsL * rawDim);
    const x = this.modelled(raw, inputs, featureEps);
    const dim = plan.inputDim;

    // Each bound row's input row and label, one-hot; eps in the combined sample-major layout.
    const source = new Int32Array(R);
    const oneHot = work.get('oneHot', R * K).fill(0);
    for (let r = 0; r < rowsL; r++) {
      source[r] = r;
      oneHot[r * K + batch.yl[r]] = 1;
    }
    for (let c = 0; c < K; c++) {
      for (let b = 0; b < rowsU; b++) {
        const r = rowsL + c * rowsU + b;
        source[r] = rowsL + b;
        oneHot[r * K + c] = 1;
      }
    }
    const eps = work.get('eps', samples * R * k);
    for (let s = 0; s < samples; s++) {
      eps.set(epsL.subarray(s * rowsL * k, (s + 1) * rowsL * k), s * R * k);
      eps.set(epsU.subarray(s * K * rowsU * k, (s + 1) * K * rowsU * k), (s * R + rowsL) * k);
    }

    // q(y|x): log-softmax of the classifier's logits.
    const classified = net.forward(plan.classifier, x, inputs, 'cls');
    const logits = classified[classified.length - 1];
    const logQ = work.get('logQ', inputs * K);
    for (let i = 0; i < inputs; i++) {
      let max = -Infinity;
      for (let c = 0; c < K; c++) max = Math.max(max, logits[i * K + c]);
      let sum = 0;
      for (let c = 0; c < K; c++) sum += Math.exp(logits[i * K + c] - max);
      const logSum = max + Math.log(sum);
      for (let c = 0; c < K; c++) logQ[i * K + c] = logits[i * K + c] - logSum;
    }

    // q(z|x,y), z, and p(x|y,z) on every bound row.
    const encFirst = this.conditionalForward(plan.encoder.first, x, inputs, source, oneHot, R, 'encF');
    const encRest = net.forward(plan.encoder.rest, encFirst, R, 'encR');
    const encOut = encRest.length ? encRest[encRest.length - 1] : encFirst;
    const z = work.get('z', samples * R * k);
    const kl = work.get('kl', R);
    kernels.gaussianHead(encOut, eps, R, k, samples, z, kl);
    const drawn = samples * R;
    const oneHotDrawn = work.get('oneHotDrawn', drawn * K);
    for (let s = 0; s < samples; s++) oneHotDrawn.set(oneHot, s * R * K);
    const decFirst = this.conditionalForward(plan.decoder.first, z, drawn, null, oneHotDrawn, drawn, 'decF');
    const decRest = net.forward(plan.decoder.rest, decFirst, drawn, 'decR');
    const decOut = decRest.length ? decRest[decRest.length - 1] : decFirst;
    const width = plan.decoder.rest.length ? plan.decoder.rest[plan.decoder.rest.length - 1].outSize : plan.decoder.first.outSize;
    const target = work.get('target', R * dim);
    for (let r = 0; r < R; r++) target.set(x.subarray(source[r] * dim, (source[r] + 1) * dim), r * dim);
    const logLik = work.get('logLik', drawn);
    const dDecOut = work.get('dDecOut', drawn * width);
    // d(recon of a row)/d(log p of one of its draws) = -1 / samples.
    const { sigma, minLogVar } = plan.likelihood;
    kernels.logLikelihood(decOut, target, drawn, dim, R, this.decoderCode, sigma, minLogVar, logLik, dDecOut, 1 / samples);

    // L(x,y) = recon + KL - log p(y) per bound row (Kingma et al. 2014, eq. 6, negated).
    const bound = new Float64Array(R);
    for (let r = 0; r < R; r++) {
      let recon = 0;
      for (let s = 0; s < samples; s++) recon -= logLik[s * R + r];
      bound[r] = recon / samples + kl[r] + Math.log(K);
    }
    const n = counts.labelled + counts.unlabelled;
    const names = ['total'];
    const values = [0];
    // Each bound row's weight in the objective, and the classifier's logit gradients.
    const weight = new Float64Array(R);
    const dLogits = work.get('dLogits', inputs * K);
    if (rowsL > 0) {
      let labelled = 0;
      let classifier = 0;
      for (let r = 0; r < rowsL; r++) {
        labelled += bound[r];
        classifier -= logQ[r * K + batch.yl[r]];
        weight[r] = counts.labelled / n / rowsL;
        // d(-log q(y|x))/d(logits) = q - onehot(y).
        for (let c = 0; c < K; c++) dLogits[r * K + c] = (plan.alpha / rowsL) * (Math.exp(logQ[r * K + c]) - (c === batch.yl[r] ? 1 : 0));
      }
      names.push('labelled', 'classifier');
      values.push(labelled / rowsL, classifier / rowsL);
      values[0] += (labelled / rowsL) * (counts.labelled / n) + (classifier / rowsL) * plan.alpha;
    }
    if (rowsU > 0) {
      // U(x) = sum_y q(y|x) (L(x,y) + log q(y|x)) (eq. 7, negated); with q = softmax(a),
      // dU/da_c = q_c (L(x,c) + log q_c - U(x)).
      const scale = counts.unlabelled / n / rowsU;
      let unlabelled = 0;
      for (let b = 0; b < rowsU; b++) {
        const i = rowsL + b;
        let u = 0;
        for (let c = 0; c < K; c++) u += Math.exp(logQ[i * K + c]) * (bound[rowsL + c * rowsU + b] + logQ[i * K + c]);
        for (let c = 0; c < K; c++) {
          const q = Math.exp(logQ[i * K + c]);
          weight[rowsL + c * rowsU + b] = scale * q;
          dLogits[i * K + c] = scale * q * (bound[rowsL + c * rowsU + b] + logQ[i * K + c] - u);
        }
        unlabelled += u;
      }
      names.push('unlabelled');
      values.push(unlabelled / rowsU);
      values[0] += (unlabelled / rowsU) * (counts.unlabelled / n);
    }

    // Backward: the decoder's output rows carry their bound row's weight.
    for (let i = 0; i < drawn; i++) {
      const w = weight[i % R];
      for (let j = i * width, end = j + width; j < end; j++) dDecOut[j] *= w;
    }
    const dDecFirst = net.backward(plan.decoder.rest, decFirst, decRest, dDecOut, drawn, 'decR', true) ?? dDecOut;
    const dz = this.conditionalBackward(plan.decoder.first, z, drawn, null, oneHotDrawn, decFirst, dDecFirst, drawn, 'decF', true)!;
    const dEncOut = work.get('dEncOut', R * 2 * k);
    kernels.gaussianHeadGrad(encOut, eps, dz, R, k, samples, 0, dEncOut);
    // Kingma & Welling 2014, App. B: dKL/dmean = mean, dKL/dlogVar = (exp(logVar) - 1) / 2.
    for (let r = 0; r < R; r++) {
      const w = weight[r];
      for (let j = 0; j < k; j++) {
        const at = r * 2 * k + j;
        dEncOut[at] += w * encOut[at];
        dEncOut[at + k] += w * 0.5 * (Math.exp(encOut[at + k]) - 1);
      }
    }
    const dEncFirst = net.backward(plan.encoder.rest, encFirst, encRest, dEncOut, R, 'encR', true) ?? dEncOut;
    this.conditionalBackward(plan.encoder.first, x, inputs, source, oneHot, encFirst, dEncFirst, R, 'encF', false);
    net.backward(plan.classifier, x, classified, dLogits, inputs, 'cls', false);
    return { names, values };
  }
}
