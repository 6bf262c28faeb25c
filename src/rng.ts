/**
 * Seeded, counter-addressable randomness. Every random stream in vaekit is named by a seed and a few
 * integer counters (epoch, step, ...), so a run is reproducible from its config and a resumed run draws
 * exactly the numbers it would have drawn without the interruption: no hidden generator state to save.
 */

/** splitmix32-style integer mixer (Steele, Lea & Flood 2014, 32-bit variant by Vigna). */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit hash of a list of integers, used to derive one stream's seed from (seed, counters). */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) h = mix32((h ^ (v >>> 0)) + 0x9e3779b9 + (h << 6) + (h >>> 2));
  return h;
}

/** Small fast generator: sfc32 (Chris Doty-Humphrey's PractRand "small fast chaotic"). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  /** A stream addressed by a seed and optional counters, e.g. `new Rng(seed, STREAM_SHUFFLE, epoch)`. */
  constructor(seed: number, ...counters: number[]) {
    const h = hashInts(seed, ...counters);
    this.a = mix32(h ^ 0x1234567);
    this.b = mix32(h ^ 0x89abcdef);
    this.c = mix32(h ^ 0x2468ace);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal by the Box-Muller transform (both outputs used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const s = this.spareNormal;
      this.spareNormal = null;
      return s;
    }
    const u1 = (this.nextUint32() + 1) / 4294967297; // in (0, 1): log(u1) is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `out` with standard normal draws and returns it. */
  fillNormal(out: Float32Array): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** The raw generator state [a, b, c, d] and the pending normal: for kernels that draw the same sequence. */
  saveState(): { state: Uint32Array; spareNormal: number | null } {
    return { state: Uint32Array.of(this.a, this.b, this.c, this.d), spareNormal: this.spareNormal };
  }

  /** Continues from a state that `saveState` gave out and a kernel advanced. */
  restoreState(state: Uint32Array, spareNormal: number | null): void {
    [this.a, this.b, this.c, this.d] = [state[0] | 0, state[1] | 0, state[2] | 0, state[3] | 0];
    this.spareNormal = spareNormal;
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }
}

/** Names of the independent random streams of a run; each is combined with the run's seed. */
export const Stream = {
  init: 1,
  shuffle: 2,
  binarize: 3,
  eps: 4,
  split: 5,
  evalEps: 6,
  staticBinarize: 7,
  /** Corrupted copies of held-out images (denoising evaluation). */
  corrupt: 8,
  /** Uniform dequantization noise of held-out 8-bit images, per image (bits/dim of continuous densities). */
  dequantize: 9,
  /** Which training images keep their label in a semi-supervised run (balanced per class). */
  labelledSplit: 20,
  /** Order of the labelled examples mixed into semi-supervised batches, per pass over them. */
  labelledOrder: 21,
  /** Binarization of those labelled examples, per step. */
  labelledBinarize: 22,
  /** Prior draws that held-out codes are compared with (adversarial autoencoder evaluation). */
  priorSample: 30,
} as const;

/** The permutation 0..n-1 drawn from a stream. */
export function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return rng.shuffle(p);
}
