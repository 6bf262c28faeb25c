import { dirname, join } from 'node:path';
import { evaluationLines } from '../eval/describe.js';
import { disposeRun, runFromCheckpoint } from '../io/run.js';
import { evaluate } from '../node/evaluate.js';
import { fusedLoad } from '../node/backend.js';
import { EngineChoice } from '../node/native.js';
import { Progress } from '../node/progress.js';
import { ensureDir } from '../node/files.js';
import { loadCheckpoint, resolveCheckpointPath, RUN_FILES, saveJson } from '../node/runFiles.js';
import { refuseZooWrite, runOutputDir } from '../node/zoo.js';
import { checkNativeScoring, engineText, startBackend } from './common.js';
import { ParsedCommand } from './flags.js';

export async function evalCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const seed = (args.flags.seed as number | undefined) ?? 0;
  const path = resolveCheckpointPath(args.positionals[0]);
  // Refused before the minutes of scoring, not after.
  const given = args.flags.out as string | undefined;
  const out = given ?? join(runOutputDir(path), RUN_FILES.eval);
  refuseZooWrite(out, given === undefined ? 'output' : '--out');
  const engine = (args.flags.engine as EngineChoice | undefined) ?? 'auto';
  const backend = await startBackend(args.flags, engine);
  const native = fusedLoad();
  const run = runFromCheckpoint(loadCheckpoint(path), path);
  try {
    const { config } = run;
    checkNativeScoring(engine, run.model, config.model);
    const split = (args.flags.split as 'test' | 'train' | undefined) ?? 'test';
    let progress: Progress | undefined;
    let taskCount = 0;
    let scored = '';
    const figures = await evaluate(run, {
      k: args.flags.k as number | undefined,
      numSamples: (args.flags.samples as number | undefined) ?? 1,
      seed,
      split,
      limit: args.flags.limit as number | undefined,
      dataDir: args.flags['data-dir'] as string | undefined,
      engine: { backend, native },
      names: { k: '--k', samples: '--samples' },
      source: path,
      onProgress: (e) => {
        if (e.type === 'ready') {
          scored = e.scored;
          log(`checkpoint: ${path} (epoch ${run.state.epoch})`);
          const count = e.images < e.whole ? `the first ${e.images.toLocaleString('en-US')} of ${e.whole.toLocaleString('en-US')}` : e.images.toLocaleString('en-US');
          log(`data: ${e.name}, ${count} images, ${config.data.binarize === 'none' ? 'grey levels' : `binarized once (seed ${seed})`}`);
          log(`engine: ${engineText(e.path, native, backend)}`);
        } else if (e.type === 'task') (progress ??= new Progress({ label: e.name, total: e.total })).update(e.done);
        else {
          progress?.finish();
          progress = undefined;
          taskCount += 1;
        }
      },
    });
    for (const l of evaluationLines(figures)) log(l.line);
    if (taskCount === 0) log(`a ${run.model.kind} model has no test figure that applies to ${scored}`);
    ensureDir(dirname(out));
    saveJson(out, { checkpoint: path, epoch: run.state.epoch, split, seed, ...figures });
    log(`figures written to ${out}`);
    return 0;
  } finally {
    disposeRun(run);
  }
}
