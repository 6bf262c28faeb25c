import { TrainingStep } from '../models/types.js';
import { ParamStore } from '../nn/params.js';
import { Adam, AdamOptions } from './adam.js';

/** Checkpoint names of one step's state: `opt/<step>/adam.m/<param>`, so two steps over one network stay apart. */
const PREFIX = 'opt/';
/** The step count t of each step's Adam, kept as a one-value array beside its moments. */
const COUNT = 't';

/**
 * One Adam per training step a multi-step model declares (the AAE's recon, disc and gen), each over the
 * parameters of its step: the encoder is updated by two steps, each with its own moments, as with the separate
 * optimizers of Makhzani et al. 2015. It stands where a run's single Adam stands (createRun makes it for a
 * multi-step model), so checkpoints save and restore every moment through `stateTensors` and `loadState`
 * without knowing how many optimizers there are. `step` counts batches; each step's own count is in its Adam.
 */
export class StepOptimizers extends Adam {
  readonly byStep = new Map<string, Adam>();

  constructor(params: ParamStore, steps: readonly TrainingStep[], options: AdamOptions) {
    super(params, options, []);
    for (const step of steps) {
      if (this.byStep.has(step.name)) throw new Error(`training step "${step.name}" is declared twice`);
      this.byStep.set(step.name, new Adam(params, options, step.params));
    }
  }

  get(step: string): Adam {
    const adam = this.byStep.get(step);
    if (!adam) throw new Error(`no optimizer for training step "${step}"`);
    return adam;
  }

  /** Steps taken by each optimizer, by step name. */
  steps(): Record<string, number> {
    return Object.fromEntries([...this.byStep].map(([name, adam]) => [name, adam.step]));
  }

  override setLearningRate(lr: number): void {
    super.setLearningRate(lr);
    for (const adam of this.byStep.values()) adam.setLearningRate(lr);
  }

  override apply(): void {
    throw new Error('a multi-step model updates through the optimizer of each step: use get(step).apply(grads)');
  }

  /** Every moment and step count, named `opt/<step>/adam.m/<param>`, `opt/<step>/adam.v/<param>`, `opt/<step>/t`. */
  override stateTensors(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [step, adam] of this.byStep) {
      for (const [name, values] of adam.stateTensors()) out.set(`${PREFIX}${step}/${name}`, values);
      out.set(`${PREFIX}${step}/${COUNT}`, Float32Array.of(adam.step));
    }
    return out;
  }

  /** Restores what `stateTensors` gave out; a missing step count or moment is an error naming it. */
  override loadState(step: number, tensors: Map<string, Float32Array>, source: string): void {
    for (const [name, adam] of this.byStep) {
      const prefix = `${PREFIX}${name}/`;
      const count = tensors.get(prefix + COUNT);
      if (!count || count.length !== 1) throw new Error(`${source}: the step count of optimizer "${name}" (${prefix + COUNT}) is missing`);
      const own = new Map<string, Float32Array>();
      for (const [key, values] of tensors) if (key.startsWith(prefix)) own.set(key.slice(prefix.length), values);
      adam.loadState(count[0], own, `${source} (optimizer ${name})`);
    }
    this.step = step;
  }

  override dispose(): void {
    for (const adam of this.byStep.values()) adam.dispose();
    this.byStep.clear();
    super.dispose();
  }
}
