import assert from 'node:assert/strict';
import { RunConfig } from '../../src/config/run.js';
import { createRun, disposeRun } from '../../src/io/run.js';
import { fusedKernels, useFusedKernels } from '../../src/fastpath/fused.js';
import { Kernels } from '../../src/fastpath/kernels.js';
import { Model } from '../../src/models/types.js';
import { Adam } from '../../src/train/adam.js';
import { EnginePath, TrainEvents } from '../../src/train/events.js';
import { EpochRecord, initialTrainState, TrainState } from '../../src/train/state.js';
import { TrainData, trainModel, TrainStatus } from '../../src/train/train.js';

/**
 * trainModel with a run config's training settings and binarization, as the CLI calls it; with `fused`, on those
 * hand-fused kernels (null: none) for this call only, as start-up would choose them.
 */
export async function trainRun(
  run: { model: Model; optimizer: Adam; state: TrainState },
  data: TrainData,
  config: RunConfig,
  events: TrainEvents = {},
  options: { fused?: Kernels | null; onEngine?(path: EnginePath): void } = {},
): Promise<TrainStatus> {
  const before = fusedKernels();
  if (options.fused !== undefined) useFusedKernels(options.fused);
  try {
    return await trainModel(run, data, { train: config.train, binarize: config.data.binarize === 'dynamic', events, onEngine: options.onEngine });
  } finally {
    useFusedKernels(before);
  }
}

/**
 * A fresh run of `config` trained on `data` with the hand-fused `fused` kernels (null: tfjs alone), checking it took
 * that path: the running training loss after each step, the history, and the parameters reached.
 */
export async function trainOnEngine(config: RunConfig, data: TrainData & { train: { shape: [number, number, number] } }, fused: Kernels | null): Promise<{ steps: number[]; history: EpochRecord[]; params: Map<string, Float32Array> }> {
  const run = createRun(config, data.train.shape, initialTrainState());
  const steps: number[] = [];
  let path = '';
  try {
    await trainRun(run, data, config, { onStep: (s) => steps.push(s.running.total) }, { fused, onEngine: (p) => (path = p) });
    assert.equal(path, fused ? 'native' : 'portable');
    return { steps, history: run.state.history, params: run.model.params.snapshot() };
  } finally {
    disposeRun(run);
  }
}
