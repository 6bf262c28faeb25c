/** The browser app's entry: starts the engine, opens a model, and wires the panels together. */
import * as tf from '@tensorflow/tfjs';
import { AppState, SCATTER_COUNT } from './appState.js';
import { startBackend } from './backend.js';
import { fetchSplit } from './data.js';
import { DrawPad } from './drawPad.js';
import { downloadCheckpoint, importCheckpoint } from './exportImport.js';
import { Explorer } from './explorer.js';
import { fetchSession, loadDemo, loadServedCheckpoint, loadZooModel, Session, ZooModel } from './modelLoading.js';
import { drawIntensities } from './pixels.js';
import { TrainPanel } from './trainPanel.js';

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const errorBox = byId('error');
function showError(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  errorBox.hidden = false;
  errorBox.textContent = message;
  console.error(e);
}

function clearError(): void {
  errorBox.hidden = true;
  errorBox.textContent = '';
}

const state = new AppState();
const explorer = new Explorer(
  {
    plane: byId('plane'),
    decoded: byId('decoded'),
    readout: byId('z-readout'),
    fps: byId('fps'),
    dimX: byId('dim-x'),
    dimY: byId('dim-y'),
    labelChoice: byId('label-choice'),
    label: byId('decode-label'),
    legend: byId('legend'),
  },
  showError,
);

const exportButton = byId<HTMLButtonElement>('export');
const modelButtons = [byId<HTMLButtonElement>('load-demo'), byId<HTMLButtonElement>('load-served'), byId<HTMLInputElement>('open-ckpt'), byId<HTMLSelectElement>('zoo-models')];
function updateButtons(): void {
  exportButton.disabled = state.training || state.current === null;
  for (const b of modelButtons) b.disabled = state.training;
}

const train = new TrainPanel(
  {
    form: byId('train-form'),
    start: byId('train-start'),
    stop: byId('train-stop'),
    status: byId('train-status'),
    loss: byId('train-loss'),
    chart: byId('loss-chart'),
    samples: byId('samples'),
    samplesCaption: byId('samples-caption'),
    idxFiles: byId('idx-files'),
  },
  state,
  showError,
  updateButtons,
  clearError,
);

state.onModel((m) => {
  if (!state.training) clearError();
  const k = m.view.latentDim;
  const params = m.run.model.params.count().toLocaleString('en-US');
  byId('model-info').textContent = `${m.source}: ${m.run.model.kind}, latent ${k}, ${params} parameters, ${m.run.state.epoch} epochs trained`;
  explorer.show(m);
  updateButtons();
  document.body.dataset.model = m.source;
});

const drawReadout = byId('draw-readout');
const pad = new DrawPad(byId('pad'), () => state.current?.view.shape[0] ?? 28, (input) => {
  const m = state.current;
  if (!m) return;
  const { view } = m;
  if (view.shape[0] !== view.shape[1] || view.shape[2] !== 1) {
    drawReadout.textContent = `drawing needs a model of square grey images; this one takes ${view.shape.join('x')}`;
    return;
  }
  drawIntensities(byId('drawn-input'), input, view.shape);
  const reconstruct = async () => {
    const probs = await view.classifyAsync(input);
    const predicted = probs ? probs.indexOf(Math.max(...probs)) : null;
    const cls = probs && predicted !== null ? `predicted class ${predicted} (${(100 * probs[predicted]).toFixed(0)}%)` : '';
    if (!view.encodes || !view.decodes) {
      drawReadout.textContent = cls || `model kind ${m.run.model.kind} has no encoder and decoder over codes`;
      return;
    }
    // A conditional encoder takes a label: the classifier's guess where there is one, else the chosen label.
    const label = predicted ?? Number(byId<HTMLSelectElement>('decode-label').value || 0);
    const z = await view.encodeAsync(input, view.conditional ? [label] : undefined);
    explorer.mark(z);
    const values = await view.decode(z, label);
    const recon = byId<HTMLCanvasElement>('reconstruction');
    drawIntensities(recon, values, view.shape);
    recon.dataset.z = Array.from(z).join(',');
    drawReadout.textContent = `code z = (${Array.from(z, (v) => v.toFixed(2)).join(', ')})${cls ? `, ${cls}` : ''}`;
  };
  reconstruct().catch(showError);
});
byId('clear-pad').addEventListener('click', () => {
  pad.clear();
  explorer.mark(null);
});

exportButton.addEventListener('click', () => {
  if (state.current) downloadCheckpoint(state.current.run);
});
byId<HTMLInputElement>('open-ckpt').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  importCheckpoint(file)
    .then((run) => state.open(run, file.name, null))
    .catch(showError)
    .finally(() => (input.value = ''));
});

async function openDemo(): Promise<void> {
  const demo = await loadDemo();
  state.open(demo.run, `demo (${demo.description})`, demo.codes);
}

/** Offers the served zoo's models in the picker; choosing one opens it. */
function offerZoo(models: readonly ZooModel[]): void {
  if (models.length === 0) return;
  const select = byId<HTMLSelectElement>('zoo-models');
  for (const m of models) {
    const option = document.createElement('option');
    option.value = m.name;
    option.textContent = `${m.name}: ${m.kind} on ${m.data}, ${m.figure}`;
    option.title = m.description;
    select.append(option);
  }
  byId('zoo-choice').hidden = false;
  select.addEventListener('change', () => {
    const name = select.value;
    if (!name) return;
    loadZooModel(name)
      .then((run) => state.open(run, `zoo:${name}`, null))
      .catch(showError)
      .finally(() => (select.value = ''));
  });
}

async function start(): Promise<void> {
  const backend = await startBackend(new URLSearchParams(location.search).get('backend'));
  const badge = byId('backend');
  badge.textContent = `backend: ${backend.description}`;
  badge.dataset.backend = backend.name;
  const session: Session | null = await fetchSession();
  train.setServed(session?.data?.name ?? null);
  if (session?.data) state.testSet = await fetchSplit('test', SCATTER_COUNT);
  byId('load-demo').addEventListener('click', () => openDemo().catch(showError));
  offerZoo(session?.zoo ?? []);
  const served = byId('load-served');
  if (session?.checkpoint) {
    served.hidden = false;
    served.textContent = `Served: ${session.checkpoint.name}`;
    const openServed = async () => state.open(await loadServedCheckpoint(session), session.checkpoint!.name, null);
    served.addEventListener('click', () => openServed().catch(showError));
    await openServed();
  } else {
    await openDemo();
  }
  document.body.dataset.ready = 'true';
}

// For the browser tests' leak check: live tensors of the page's engine.
(globalThis as { vaekitTensors?: () => number }).vaekitTensors = () => tf.memory().numTensors;

start().catch(showError);
