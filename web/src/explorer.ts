/**
 * The latent explorer: a plane over two latent dimensions with the test set's codes as a scatter coloured by
 * label; the pointer's position is decoded live beside it. Decoding runs at most once per animation frame,
 * always for the latest pointer position, so it keeps up with the pointer instead of queueing behind it.
 */
import { classColor, CLASS_COLORS } from '../../src/views/palette.js';
import { OpenModel } from './appState.js';
import { drawIntensities } from './pixels.js';

export interface ExplorerElements {
  plane: HTMLCanvasElement;
  decoded: HTMLCanvasElement;
  readout: HTMLElement;
  fps: HTMLElement;
  dimX: HTMLSelectElement;
  dimY: HTMLSelectElement;
  labelChoice: HTMLElement;
  label: HTMLSelectElement;
  legend: HTMLElement;
}

/** The plane's range in each of its two dimensions: [lo, hi]. */
type Extent = [[number, number], [number, number]];

/** Range of a code dimension: the central 99% of the codes, widened by 8% on each side. */
function robustRange(values: number[]): [number, number] {
  if (values.length === 0) return [-3, 3];
  const sorted = [...values].sort((a, b) => a - b);
  const lo = sorted[Math.floor(0.005 * (sorted.length - 1))];
  const hi = sorted[Math.ceil(0.995 * (sorted.length - 1))];
  const pad = Math.max(0.08 * (hi - lo), 1e-3);
  return [lo - pad, hi + pad];
}

export class Explorer {
  private model: OpenModel | null = null;
  private extent: Extent = [[-3, 3], [-3, 3]];
  private readonly scatter = document.createElement('canvas');
  /** The code decoded for the other dimensions (zeros), with the pointer's two coordinates written in. */
  private z = new Float32Array(0);
  private pending: Float32Array | null = null;
  private busy = false;
  private pointer: [number, number] | null = null;
  private marked: Float32Array | null = null;
  /** Decoded frames since the model opened, and the time spent decoding them (ms). */
  private frames = 0;
  private decodeMs = 0;
  private windowStart = performance.now();
  private windowFrames = 0;

  constructor(private readonly el: ExplorerElements, private readonly onError: (e: unknown) => void) {
    el.plane.addEventListener('pointermove', (e) => this.moved(e));
    el.plane.addEventListener('pointerdown', (e) => this.moved(e));
    el.dimX.addEventListener('change', () => this.layout());
    el.dimY.addEventListener('change', () => this.layout());
    el.label.addEventListener('change', () => this.request());
    const tick = () => {
      this.frame();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  /** Shows a newly opened model (or the same one with new codes). */
  show(m: OpenModel): void {
    const sameModel = this.model?.run === m.run;
    this.model = m;
    const { view } = m;
    if (!sameModel) {
      const k = view.latentDim;
      const options = Array.from({ length: k }, (_, d) => `<option value="${d}">z${d}</option>`).join('');
      this.el.dimX.innerHTML = options;
      this.el.dimY.innerHTML = options;
      this.el.dimY.value = String(Math.min(1, k - 1));
      this.el.labelChoice.hidden = !view.conditional;
      this.el.label.innerHTML = Array.from({ length: view.numClasses }, (_, c) => `<option value="${c}">${c}</option>`).join('');
      this.z = new Float32Array(k);
      this.marked = null;
      if (!view.decodes) this.el.readout.textContent = `model kind ${m.run.model.kind} has no decoder from codes to images`;
      this.frames = 0;
      this.decodeMs = 0;
    }
    this.layout();
  }

  /** Marks a code on the plane (the drawn digit's), or clears the mark. */
  mark(z: Float32Array | null): void {
    this.marked = z;
    this.paint();
  }

  private dims(): [number, number] {
    return [Number(this.el.dimX.value), Number(this.el.dimY.value)];
  }

  /** Extent and scatter for the chosen dimensions. */
  private layout(): void {
    const m = this.model;
    if (!m) return;
    const [dx, dy] = this.dims();
    const codes = m.codes;
    const k = m.view.latentDim;
    const xs: number[] = [];
    const ys: number[] = [];
    if (codes && codes.latentDim === k) {
      for (let i = 0; i < codes.codes.length / k; i++) {
        xs.push(codes.codes[i * k + dx]);
        ys.push(codes.codes[i * k + dy]);
      }
    }
    this.extent = [robustRange(xs), robustRange(ys)];
    const { width, height } = this.el.plane;
    this.scatter.width = width;
    this.scatter.height = height;
    const c = this.scatter.getContext('2d')!;
    c.fillStyle = '#fff';
    c.fillRect(0, 0, width, height);
    c.globalAlpha = 0.55;
    for (let i = 0; i < xs.length; i++) {
      const [px, py] = this.toPixel(xs[i], ys[i]);
      c.fillStyle = codes?.labels ? classColor(codes.labels[i]) : '#555';
      c.fillRect(px - 1, py - 1, 2.5, 2.5);
    }
    c.globalAlpha = 1;
    this.drawAxes(c, dx, dy);
    const labels = codes?.labels ? [...new Set(codes.labels)].sort((a, b) => a - b) : [];
    this.el.legend.innerHTML = labels.map((l) => `<span style="--c:${CLASS_COLORS[l % CLASS_COLORS.length]}">${l}</span>`).join('');
    this.paint();
    this.request();
  }

  private drawAxes(c: CanvasRenderingContext2D, dx: number, dy: number): void {
    const { width, height } = this.el.plane;
    const [[x0, x1], [y0, y1]] = this.extent;
    c.strokeStyle = '#bbb';
    c.lineWidth = 1;
    const [ox, oy] = this.toPixel(0, 0);
    c.beginPath();
    if (x0 < 0 && x1 > 0) {
      c.moveTo(ox, 0);
      c.lineTo(ox, height);
    }
    if (y0 < 0 && y1 > 0) {
      c.moveTo(0, oy);
      c.lineTo(width, oy);
    }
    c.stroke();
    c.fillStyle = '#444';
    c.font = '11px sans-serif';
    c.fillText(`x = z${dx}: ${x0.toFixed(1)} … ${x1.toFixed(1)}`, 6, height - 6);
    c.fillText(`y = z${dy}: ${y0.toFixed(1)} … ${y1.toFixed(1)} (up)`, 6, 14);
  }

  private toPixel(x: number, y: number): [number, number] {
    const [[x0, x1], [y0, y1]] = this.extent;
    const { width, height } = this.el.plane;
    return [((x - x0) / (x1 - x0)) * width, (1 - (y - y0) / (y1 - y0)) * height];
  }

  private moved(e: PointerEvent): void {
    if (!this.model) return;
    const r = this.el.plane.getBoundingClientRect();
    const fx = (e.clientX - r.left) / r.width;
    const fy = (e.clientY - r.top) / r.height;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return;
    this.pointer = [fx * this.el.plane.width, fy * this.el.plane.height];
    const [[x0, x1], [y0, y1]] = this.extent;
    const [dx, dy] = this.dims();
    this.z[dy] = y1 - fy * (y1 - y0);
    this.z[dx] = x0 + fx * (x1 - x0);
    this.request();
    this.paint();
  }

  /** Asks for the current z to be decoded at the next frame. */
  private request(): void {
    if (this.model) this.pending = Float32Array.from(this.z);
  }

  private frame(): void {
    const now = performance.now();
    if (now - this.windowStart >= 1000) {
      const fps = (1000 * this.windowFrames) / (now - this.windowStart);
      const ms = this.frames ? this.decodeMs / this.frames : NaN;
      // Decoding follows the pointer, so frames per second measure the pointer as much as the decoder: show both.
      this.el.fps.textContent = `${fps.toFixed(0)} frames decoded in the last second; ${ms.toFixed(2)} ms per decode (up to ${(1000 / ms).toFixed(0)}/s)`;
      this.windowStart = now;
      this.windowFrames = 0;
    }
    const m = this.model;
    const z = this.pending;
    if (!m || !z || this.busy || !m.view.decodes) return;
    this.pending = null;
    this.busy = true;
    const label = Number(this.el.label.value || 0);
    const t0 = performance.now();
    m.view
      .decode(z, label)
      .then((values) => {
        if (this.model !== m) return;
        drawIntensities(this.el.decoded, values, m.view.shape);
        this.frames += 1;
        this.windowFrames += 1;
        this.decodeMs += performance.now() - t0;
        const d = this.el.decoded.dataset;
        // Exact float32 values, so a test can decode the same z elsewhere.
        d.z = Array.from(z).join(',');
        d.frames = String(this.frames);
        d.decodeMs = this.decodeMs.toFixed(3);
        this.el.readout.textContent = `z = (${Array.from(z, (v) => v.toFixed(2)).join(', ')})`;
      })
      .catch(this.onError)
      .finally(() => (this.busy = false));
  }

  /** The scatter, the pointer's crosshair and the drawn digit's mark. */
  private paint(): void {
    const c = this.el.plane.getContext('2d')!;
    c.drawImage(this.scatter, 0, 0);
    if (this.pointer) {
      const [px, py] = this.pointer;
      c.strokeStyle = '#000';
      c.lineWidth = 1.5;
      c.strokeRect(px - 5, py - 5, 10, 10);
    }
    if (this.marked && this.model) {
      const [dx, dy] = this.dims();
      const [mx, my] = this.toPixel(this.marked[dx], this.marked[dy]);
      c.fillStyle = '#d50000';
      c.strokeStyle = '#fff';
      c.lineWidth = 2;
      c.beginPath();
      c.arc(mx, my, 7, 0, 2 * Math.PI);
      c.fill();
      c.stroke();
    }
  }
}
