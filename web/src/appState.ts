/** The page's shared state: the open model, the test images for its scatter, and who to tell when they change. */
import { Dataset } from '../../src/data/dataset.js';
import { LabelledCodes } from '../../src/io/codes.js';
import { disposeRun, Run } from '../../src/io/run.js';
import { Reads, settle } from '../../src/tensorReads.js';
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

  /**
   * Makes `run` the open model, freeing the previous one unless it is the same run. Without `codes`, the test
   * images are encoded for the scatter: at once on a CPU backend, and on a GPU one read back asynchronously,
   * the listeners told again when they arrive.
   */
  open(run: Run, source: string, codes: LabelledCodes | null): OpenModel {
    const previous = this.current;
    const view = new ModelView(run.model, run.inputShape);
    this.current = { run, view, source, codes };
    if (previous && previous.run !== run) disposeRun(previous.run);
    const pending = codes ? null : this.encodeTestSet(this.current);
    this.changed();
    pending?.catch((e: unknown) => console.error(e));
    return this.current;
  }

  /** Encodes the test images again (after training moved the model) and tells the listeners. */
  async refreshCodes(): Promise<void> {
    if (!this.current) return;
    const pending = this.encodeTestSet(this.current);
    if (pending) await pending;
    else this.changed();
  }

  onModel(listener: (m: OpenModel) => void): void {
    this.modelListeners.push(listener);
  }

  private changed(): void {
    for (const f of this.modelListeners) f(this.current!);
  }

  /**
   * Sets the codes of the test images on `m` (kept as they are where none can be made); tells the listeners
   * when they came asynchronously and `m` is still open. Null when there was nothing to encode.
   */
  private encodeTestSet(m: OpenModel): Promise<void> | null {
    const test = this.testSet;
    const view = m.view;
    if (!test || !view.encodes || view.latentDim < 1 || !view.fits(test)) return null;
    if (view.conditional && !test.labels) return null;
    const count = Math.min(SCATTER_COUNT, test.count);
    const codes = settle(this.whileOpen(m, view.encodeDatasetReads(test, count)));
    const set = (z: Float32Array) => (m.codes = { codes: z, latentDim: view.latentDim, labels: test.labels?.subarray(0, count) });
    if (!(codes instanceof Promise)) {
      if (codes) set(codes);
      return null;
    }
    return codes.then((z) => {
      if (!z || this.current !== m) return;
      set(z);
      this.changed();
    });
  }

  /** `work` over `m`'s model, given up (null) once another model is open: its tensors may be freed by then. */
  private *whileOpen<R>(m: OpenModel, work: Reads<R>): Reads<R | null> {
    let step = work.next();
    while (!step.done) {
      const values = yield step.value;
      if (this.current !== m) return null;
      step = work.next(values);
    }
    return step.value;
  }
}
