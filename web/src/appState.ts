/** The page's shared state: the open model, the test images for its scatter, and who to tell when they change. */
import { Dataset } from '../../src/data/dataset.js';
import { LabelledCodes } from '../../src/io/codes.js';
import { disposeRun, Run } from '../../src/io/run.js';
import { ModelView } from './modelView.js';

/** A model open in the page. */
export interface OpenModel {
  run: Run;
  view: ModelView;
  /** Where it came from, shown in the header. */
  source: string;
  /** Codes of test images for the scatter, if any. */
  codes: LabelledCodes | null;
}

/** Test images encoded for the scatter: enough to show the shape of the code space, quick to encode. */
export const SCATTER_COUNT = 5000;

export class AppState {
  current: OpenModel | null = null;
  /** The served test split, once fetched (null: none offered). */
  testSet: Dataset | null = null;
  training = false;
  private readonly modelListeners: ((m: OpenModel) => void)[] = [];

  /** Makes `run` the open model, freeing the previous one unless it is the same run. */
  open(run: Run, source: string, codes: LabelledCodes | null): OpenModel {
    const previous = this.current;
    const view = new ModelView(run.model, run.inputShape);
    this.current = { run, view, source, codes: codes ?? this.codesFromTestSet(view) };
    if (previous && previous.run !== run) disposeRun(previous.run);
    this.changed();
    return this.current;
  }

  /** Encodes the test images again (after training moved the model) and tells the listeners. */
  refreshCodes(): void {
    if (!this.current) return;
    this.current.codes = this.codesFromTestSet(this.current.view) ?? this.current.codes;
    this.changed();
  }

  onModel(listener: (m: OpenModel) => void): void {
    this.modelListeners.push(listener);
  }

  private changed(): void {
    for (const f of this.modelListeners) f(this.current!);
  }

  private codesFromTestSet(view: ModelView): LabelledCodes | null {
    const test = this.testSet;
    if (!test || !view.encodes || view.latentDim < 1 || !view.fits(test)) return null;
    if (view.conditional && !test.labels) return null;
    const count = Math.min(SCATTER_COUNT, test.count);
    return { codes: view.encodeDataset(test, count), latentDim: view.latentDim, labels: test.labels?.subarray(0, count) };
  }
}
