import { RunConfig } from '../config/run.js';
import { isTwoStageModel, STAGE_PREFIXES, TwoStageModel } from '../models/m1m2.js';
import { Model } from '../models/types.js';
import { ParamStore } from '../nn/params.js';
import { Adam } from './adam.js';
import { trainSemiSupervised } from './semiSupervised.js';
import { EpochRecord, TrainState } from './state.js';
import { train, TrainData, TrainEvents, TrainOptions } from './trainer.js';

/**
 * An Adam over one stage's parameters, holding the run optimizer's moments for them (named `prefix + name`
 * there), so each stage can train its own model (the first stage on the fast path) while the run's optimizer
 * stays the one the checkpoint saves. `writeBack` returns the moments and step.
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

/**
 * The trainer of kinds declared `trainer: 'two-stage'` (M1+M2, Kingma et al. 2014, sec. 2.3). Epochs
 * 1..firstEpochs train the first model alone, unsupervised on every training image, with the standard trainer
 * (on the fast path where it applies); the remaining epochs train the whole model with the semi-supervised
 * trainer, only the second stage's parameters moving. Stage 2 starts a fresh Adam (t = 0; its moments were
 * never touched) and forgets stage 1's best epoch, since its validation score is the classification error.
 */
export async function trainTwoStage(model: Model, optimizer: Adam, data: TrainData, config: RunConfig, state: TrainState, events: TrainEvents = {}, options: TrainOptions = {}): Promise<'finished' | 'stopped'> {
  if (!isTwoStageModel(model)) throw new Error(`a ${model.kind} model is declared two-stage, but has no stages`);
  return stages(model, optimizer, data, config, state, events, options);
}

async function stages(model: TwoStageModel, optimizer: Adam, data: TrainData, config: RunConfig, state: TrainState, events: TrainEvents, options: TrainOptions): Promise<'finished' | 'stopped'> {
  const firstEpochs = model.firstEpochs;
  if (config.train.epochs <= firstEpochs) throw new Error(`epochs ${config.train.epochs} leave no epoch for the second stage after the first stage's ${firstEpochs}: pass more --epochs`);
  if (state.epoch < firstEpochs) {
    const stage = stageOptimizer(optimizer, model.first.params, STAGE_PREFIXES.first);
    try {
      const firstConfig: RunConfig = { ...config, train: { ...config.train, epochs: firstEpochs } };
      const status = await train(model.first, stage.adam, data, firstConfig, state, stageEvents(events, stage.writeBack), options);
      stage.writeBack();
      if (status === 'stopped') return 'stopped';
    } finally {
      stage.adam.dispose();
    }
  }
  // At the start of stage 2 (also when resumed there from stage 1's last checkpoint): the best so far is stage 1's.
  if (state.epoch === firstEpochs && state.batch === 0 && state.best !== null && state.best.epoch <= firstEpochs) {
    optimizer.step = 0;
    state.best = null;
  }
  const stage = stageOptimizer(optimizer, model.trainable, STAGE_PREFIXES.second);
  try {
    const status = await trainSemiSupervised(model, stage.adam, data, config, state, stageEvents(events, stage.writeBack), options);
    stage.writeBack();
    return status;
  } finally {
    stage.adam.dispose();
  }
}
