/** The drawing canvas: white strokes on black with the mouse, a pen or a finger; each finished stroke is reported. */
import { mnistFraming } from './digitInput.js';

/** Stroke width as a share of the pad: MNIST pen strokes are 2-3 pixels of 28. */
const STROKE = 0.075;

export class DrawPad {
  private drawing = false;
  private last: [number, number] | null = null;
  private readonly ctx: CanvasRenderingContext2D;

  /** `onStroke` gets the drawing framed as a side x side input (see digitInput.ts) after each stroke. */
  constructor(private readonly canvas: HTMLCanvasElement, private readonly side: () => number, onStroke: (input: Float32Array) => void) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.drawing = true;
      this.last = this.point(e);
      this.line(this.last, this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.drawing || !this.last) return;
      const p = this.point(e);
      this.line(this.last, p);
      this.last = p;
    });
    const finish = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.last = null;
      const input = this.framed();
      if (input) onStroke(input);
    };
    canvas.addEventListener('pointerup', finish);
    canvas.addEventListener('pointercancel', finish);
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  private point(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * this.canvas.width) / r.width, ((e.clientY - r.top) * this.canvas.height) / r.height];
  }

  private line(a: [number, number], b: [number, number]): void {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.lineWidth = STROKE * this.canvas.width;
    c.beginPath();
    c.moveTo(a[0], a[1]);
    c.lineTo(b[0], b[1]);
    c.stroke();
  }

  /** The pad's red channel as ink in [0, 1], framed like MNIST. */
  private framed(): Float32Array | null {
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const ink = new Float32Array(width * height);
    for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i] / 255;
    return mnistFraming(ink, width, height, this.side());
  }
}
