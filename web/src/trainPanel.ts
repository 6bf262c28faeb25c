/**
 * Training in the tab: the same config resolution, model, trainer and checkpoint state as `vaekit train`, on
 * the portable tfjs engine of whichever backend the page started. The trainer yields to the browser between
 * steps (src/train/loop.ts), so the page keeps drawing, and the explorer shows the model as it learns.
 */
import { resolveRunConfig } from '../../src/config/run.js';
import { Dataset } from '../../src/data/dataset.js';
import { prepareTrainingData } from '../../src/data/prepare.js';
import { inOrder, limit } from '../../src/data/transforms.js';
import { createRun, Run } from '../../src/io/run.js';
import { modelKindSpec, MODEL_KINDS } from '../../src/models/registry.js';
import { trainRun } from '../../src/io/runSession.js';
import { StepInfo } from '../../src/train/events.js';
import { initialTrainState, Metrics } from '../../src/train/state.js';
import { canDecode, canDecodeGivenLabel, canEncode, decoderForLabel, hasPrior, priorText } from '../../src/views/capabilities.js';
import { decodeToImagesReads } from '../../src/views/decode.js';
import { imageGrid } from '../../src/views/grid.js';
import { RgbaImage } from '../../src/views/image.js';
import { reconstructionGridReads } from '../../src/views/reconstructions.js';
import { priorCodes, sampleGridReads } from '../../src/views/samples.js';
import { settle } from '../../src/tensorReads.js';
import { AppState } from './appState.js';
import { fetchSplit, readIdxFiles } from './data.js';
import { LossChart } from './lossChart.js';
import { drawRgba } from './pixels.js';

export interface TrainElements {
  form: HTMLFormElement;
  start: HTMLButtonElement;
  stop: HTMLButtonElement;
  status: HTMLElement;
  loss: HTMLElement;
  chart: HTMLCanvasElement;
  samples: HTMLCanvasElement;
  samplesCaption: HTMLElement;
  idxFiles: HTMLElement;
}

/** The last validation figures in the status line: the objective, or a classifier's error rate. */
function validationText(val: Metrics | undefined): string {
  if (Number.isFinite(val?.total)) return `, validation ${val!.total.toFixed(2)}`;
  if (Number.isFinite(val?.error)) return `, validation error ${(100 * val!.error).toFixed(1)}%`;
  return '';
}

/** Validation images held out of what the tab trains on: enough for a steady figure, quick to score. */
const MAX_VAL = 1000;

export class TrainPanel {
  private readonly chart: LossChart;
  /** Aborted by the stop button: training ends after its current step. */
  private stop = new AbortController();
  /** The served training images fetched last, by how many were asked for. */
  private served: { limit: number; data: Dataset } | null = null;
  /** Where the served data set is called, when the server offers one. */
  servedName: string | null = null;

  constructor(
    private readonly el: TrainElements,
    private readonly state: AppState,
    private readonly onError: (e: unknown) => void,
    private readonly onRunChanged: () => void,
    private readonly clearError: () => void,
  ) {
    this.chart = new LossChart(el.chart);
    const kinds = el.form.elements.namedItem('kind') as HTMLSelectElement;
    kinds.innerHTML = Object.values(MODEL_KINDS).map((s) => `<option value="${s.kind}" title="${s.description}">${s.kind}</option>`).join('');
    const source = el.form.elements.namedItem('source') as HTMLSelectElement;
    source.addEventListener('change', () => (el.idxFiles.hidden = source.value !== 'files'));
    el.start.addEventListener('click', () => this.start().catch((e) => this.failed(e)));
    el.stop.addEventListener('click', () => {
      this.stop.abort();
      el.stop.disabled = true;
    });
  }

  /** Switches to the picked files when nothing is served. */
  setServed(name: string | null): void {
    this.servedName = name;
    const source = this.el.form.elements.namedItem('source') as HTMLSelectElement;
    (source.options[0] as HTMLOptionElement).disabled = name === null;
    if (name === null) source.value = 'files';
    this.el.idxFiles.hidden = source.value !== 'files';
  }

  private field(name: string): string {
    return ((this.el.form.elements.namedItem(name) as HTMLInputElement).value ?? '').trim();
  }

  private number(name: string, integer: boolean): number {
    const raw = this.field(name);
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) throw new Error(`${name}: expected ${integer ? 'a whole number' : 'a number'}, got "${raw}"`);
    return value;
  }

  private async trainingData(count: number): Promise<{ data: Dataset; name: string }> {
    if (this.field('source') === 'files') {
      const files = [...((this.el.form.elements.namedItem('idx') as HTMLInputElement).files ?? [])];
      const data = await readIdxFiles(files);
      return { data: data.count > count ? limit(data, count) : data, name: data.name };
    }
    if (this.servedName === null) throw new Error('no data set is served: start the page with "vaekit serve", or pick IDX files');
    if (this.served?.limit !== count) {
      this.status('fetching training images…');
      this.served = { limit: count, data: await fetchSplit('train', count) };
    }
    return { data: this.served.data, name: this.servedName };
  }

  private async start(): Promise<void> {
    if (this.state.training) return;
    this.clearError();
    const kind = this.field('kind');
    const spec = modelKindSpec(kind);
    const keys = new Set(spec.fields.map((f) => f.key));
    const model: Record<string, unknown> = { kind };
    if (keys.has('latentDim')) model.latentDim = this.number('latent', true);
    if (keys.has('hidden')) {
      const hidden = this.field('hidden');
      model.hidden = hidden === '' ? [] : hidden.split(',').map((h) => {
        const n = Number(h.trim());
        if (!Number.isInteger(n) || n < 1) throw new Error(`hidden: expected layer sizes like 400 or 500,300, got "${hidden}"`);
        return n;
      });
    }
    const images = this.number('images', true);
    if (images < 100) throw new Error(`training images: expected at least 100, got ${images}`);
    const { data, name } = await this.trainingData(images);
    const valSize = Math.min(MAX_VAL, Math.floor(data.count / 10));
    const config = resolveRunConfig([
      {
        source: 'the training form',
        values: { model, train: { epochs: this.number('epochs', true), batchSize: this.number('batch', true), lr: this.number('lr', false) }, data: { data: name, valSize } },
      },
    ]);
    const run = createRun(config, data.shape, initialTrainState());
    const prepared = prepareTrainingData({ train: data }, config.data, config.train.seed);
    this.state.open(run, `${kind} trained in this tab`, null);
    this.onRunChanged();
    await this.train(run, prepared);
  }

  private async train(run: Run, prepared: ReturnType<typeof prepareTrainingData>): Promise<void> {
    this.state.training = true;
    this.stop = new AbortController();
    this.el.start.disabled = true;
    this.el.stop.disabled = false;
    this.chart.reset();
    this.onRunChanged();
    let prev = { done: 0, sum: 0 };
    let started = performance.now();
    let seen = 0;
    const onStep = (info: StepInfo) => {
      // The trainer reports running means over the epoch; the step's own loss is the difference of sums.
      if (info.batch === 1) prev = { done: 0, sum: 0 };
      // A closed-form fit (PCA) reports progress without a loss.
      if (!Number.isFinite(info.running.total)) return this.status(`fitting: ${info.done} of ${info.total} images`);
      const sum = info.running.total * info.done;
      this.chart.addStep((sum - prev.sum) / (info.done - prev.done));
      seen += info.done - prev.done;
      prev = { done: info.done, sum };
      const recent = this.chart.recentMean();
      this.el.loss.textContent = recent.toFixed(2);
      this.el.loss.dataset.value = String(recent);
      this.el.loss.dataset.step = String(info.step);
      const rate = seen / ((performance.now() - started) / 1000);
      this.status(`epoch ${info.epoch}/${run.config.train.epochs}, batch ${info.batch}/${info.batches}, step ${info.step}, ${rate.toFixed(0)} img/s`);
      if (info.batch % 5 === 0 || info.batch === info.batches) this.chart.draw();
    };
    // The last epoch's refresh of the views: after a run that ends at an epoch's end it shows the final model.
    let refreshed: Promise<void> = Promise.resolve();
    try {
      const result = await trainRun(run, prepared, {
        signal: this.stop.signal,
        onProgress: (e) => {
          if (e.type === 'step') return onStep(e.info);
          if (e.type !== 'epoch') return;
          const val = e.record.val?.total;
          if (Number.isFinite(val)) this.chart.addValidation(val!);
          this.chart.draw();
          // Read back while the next epoch trains, on a GPU backend; at once on a CPU one.
          refreshed = this.refreshViews(run).catch((e) => this.onError(e));
          seen = 0;
          started = performance.now();
        },
      });
      this.chart.draw();
      // Stopped within an epoch, the model moved after the last refresh.
      await (result === 'stopped' ? this.refreshViews(run) : refreshed);
      this.status(`${result === 'stopped' ? 'stopped' : 'finished'} after ${run.state.step} steps (${run.state.epoch} epoch${run.state.epoch === 1 ? '' : 's'}${validationText(run.state.history.at(-1)?.val)})`);
    } finally {
      this.state.training = false;
      this.el.start.disabled = false;
      this.el.stop.disabled = true;
      this.el.status.dataset.state = 'idle';
      this.onRunChanged();
    }
  }

  /** The samples and the scatter's codes, after the model moved. */
  private async refreshViews(run: Run): Promise<void> {
    await this.showSamples(run);
    await this.state.refreshCodes();
  }

  /**
   * Samples from the prior where the model has one, else reconstructions of validation or training images; read
   * back asynchronously on a GPU backend (src/tensorReads.ts).
   */
  private async showSamples(run: Run): Promise<void> {
    const m = run.model;
    const shape = run.inputShape;
    let img: RgbaImage | null = null;
    let caption = '';
    if (canDecode(m) && hasPrior(m)) {
      img = await settle(sampleGridReads(m, shape, { n: 36, seed: 0, scale: 2 }));
      caption = `samples z ~ ${priorText(m)}, refreshed each epoch`;
    } else if (canDecodeGivenLabel(m)) {
      const rows: RgbaImage[] = [];
      for (let c = 0; c < m.numClasses; c++) rows.push(...(await settle(decodeToImagesReads(decoderForLabel(m, c), priorCodes(6, m.latentDim, 0), shape))));
      img = imageGrid(rows, { columns: 6, scale: 2 });
      caption = 'samples for each label (one row per label)';
    } else if (canEncode(m) && canDecode(m) && this.state.testSet && this.state.testSet.count >= 18) {
      img = await settle(reconstructionGridReads(m, this.state.testSet, inOrder(18), { pairsPerRow: 3, scale: 2 }));
      caption = 'test images and their reconstructions';
    }
    if (!img) return;
    drawRgba(this.el.samples, img);
    this.el.samplesCaption.textContent = caption;
  }

  private status(text: string): void {
    this.el.status.textContent = text;
    this.el.status.dataset.state = this.state.training ? 'training' : 'idle';
  }

  private failed(e: unknown): void {
    this.status('training failed');
    this.onError(e);
  }
}
