import { gatherBatch, inOrder } from '../data/transforms.js';
import { ACTIVE_UNIT_IMAGES, STAGE_PREFIXES, TwoStageModel } from '../models/m1m2.js';
import { ParamStore } from '../nn/params.js';
import { Adam } from './adam.js';
import { TrainEvents } from './events.js';
import { gradientStepper } from './oneStep.js';
import { semiSupervisedStepper } from './semiSupervised.js';
import { EpochRecord, TrainState } from './state.js';
import { inMemory, runStretch, StepStrategy, TrainContext, TrainStatus } from './strategy.js';

/**
 * An Adam over one stage's parameters, holding the run optimizer's moments for them (named `prefix + name`
 * there), so each stage can train its own model (the first stage on the hand-fused kernels) while the run's
 * optimizer stays the one the checkpoint saves. `writeBack` returns the moments and step.
 */
function stageOptimizer(run: Adam, store: ParamStore, prefix: string): { adam: Adam; writeBack(): void } {
  const adam = new Adam(store, run.options);
  const renamed = new Map<string, Float32Array>();
  for (const [key, values] of run.stateTensors()) {
    const [kind, name] = [key.slice(0, key.indexOf('/') + 1), key.slice(key.indexOf('/') + 1)];
    if (name.startsWith(prefix)) renamed.set(kind + name.slice(prefix.length), values);
  }
  adam.loadState(run.step, renamed, 'stage optimizer');
  return {
    adam,
    writeBack() {
      const merged = run.stateTensors();
      for (const [key, values] of adam.stateTensors()) {
        const slash = key.indexOf('/') + 1;
        merged.set(key.slice(0, slash) + prefix + key.slice(slash), values);
      }
      run.loadState(adam.step, merged, 'stage optimizer');
    },
  };
}

/** Events of one stage: the run's optimizer is brought up to date before each epoch's checkpoint. */
function stageEvents(events: TrainEvents, writeBack: () => void): TrainEvents {
  return {
    ...events,
    onEpochEnd: (record: EpochRecord, state: TrainState) => {
      writeBack();
      return events.onEpochEnd?.(record, state);
    },
  };
}

/** Runs one stage with its own optimizer, written back to the run's when the stage ends, however it ends. */
async function stage(ctx: TrainContext, store: ParamStore, prefix: string, run: (stageCtx: TrainContext) => Promise<TrainStatus>): Promise<TrainStatus> {
  const { adam, writeBack } = stageOptimizer(ctx.optimizer, store, prefix);
  try {
    const status = await run({ ...ctx, optimizer: adam, events: stageEvents(ctx.events, writeBack) });
    writeBack();
    return status;
  } finally {
    adam.dispose();
  }
}

/**
 * Two stages (M1+M2, Kingma et al. 2014, sec. 2.3). Epochs 1..firstEpochs train the first model alone,
 * unsupervised on every training image, one gradient step per batch (of its own size where it has one) (on the hand-fused kernels where it offers
 * a plan); the remaining epochs train the whole model with the semi-supervised step, only the second stage's
 * parameters moving. Stage 2 starts a fresh Adam (t = 0; its moments were never touched) and forgets stage 1's
 * best epoch, since its validation score is the classification error.
 */
export const twoStages: StepStrategy<TwoStageModel> = {
  offersFusedEngine: (model) => typeof model.m2Plan === 'function',
  async train(model, ctx) {
    const { firstEpochs } = model;
    const { state } = ctx;
    if (ctx.train.epochs <= firstEpochs) throw new Error(`epochs ${ctx.train.epochs} leave no epoch for the second stage after the first stage's ${firstEpochs}: pass more --epochs`);
    if (state.epoch < firstEpochs) {
      // The first stage trains all its epochs: early stopping (train.patience) watches the second stage's score.
      const first = { ...ctx, train: { ...ctx.train, epochs: firstEpochs, batchSize: model.firstBatchSize ?? ctx.train.batchSize, patience: 0 } };
      const status = await stage(first, model.first.params, STAGE_PREFIXES.first, (c) => runStretch(gradientStepper(model.first, c.optimizer, c), c));
      if (status === 'stopped') return 'stopped';
    }
    // At the start of stage 2 (also when resumed there from stage 1's last checkpoint): the best so far is stage 1's.
    if (state.epoch === firstEpochs && state.batch === 0 && state.best !== null && state.best.epoch <= firstEpochs) {
      ctx.optimizer.step = 0;
      state.best = null;
    }
    // Settings the second stage takes from the fixed first one (M1+M2's active units), once as it starts; a run
    // resumed later in stage 2 has them from its checkpoint.
    if (state.epoch === firstEpochs && state.batch === 0 && model.beforeSecondStage) {
      const train = inMemory(ctx.data.train, model.kind);
      const rows = Math.min(train.count, ACTIVE_UNIT_IMAGES);
      model.beforeSecondStage(gatherBatch(train, inOrder(train.count), 0, rows), rows);
    }
    return stage(ctx, model.trainable, STAGE_PREFIXES.second, (c) => runStretch(semiSupervisedStepper(model, c.optimizer, c), c));
  },
};
