/** A small live chart of the training loss: every step (grey), its moving mean (blue), validation per epoch (orange). */

const MEAN_OF = 20;

export class LossChart {
  private steps: number[] = [];
  private epochs: { step: number; val: number }[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {}

  reset(): void {
    this.steps = [];
    this.epochs = [];
    this.draw();
  }

  addStep(value: number): void {
    this.steps.push(value);
  }

  addValidation(value: number): void {
    this.epochs.push({ step: this.steps.length, val: value });
  }

  /** Mean of the last 20 step losses: the figure the page shows. */
  recentMean(): number {
    const tail = this.steps.slice(-MEAN_OF);
    return tail.reduce((s, v) => s + v, 0) / Math.max(1, tail.length);
  }

  draw(): void {
    const c = this.canvas.getContext('2d')!;
    const { width, height } = this.canvas;
    c.fillStyle = '#fff';
    c.fillRect(0, 0, width, height);
    const n = this.steps.length;
    if (n === 0) return;
    const means = this.steps.map((_, i) => {
      const from = Math.max(0, i - MEAN_OF + 1);
      return this.steps.slice(from, i + 1).reduce((s, v) => s + v, 0) / (i + 1 - from);
    });
    // The first steps' losses dwarf the rest; the top of the axis follows the moving mean instead.
    const all = [...means, ...this.epochs.map((e) => e.val)];
    const top = Math.max(...all) * 1.05;
    const bottom = Math.min(...all, ...this.steps) * 0.95;
    const left = 44;
    const x = (i: number) => left + ((width - left - 8) * i) / Math.max(1, n - 1);
    const y = (v: number) => 8 + (height - 28) * (1 - (Math.min(v, top) - bottom) / Math.max(1e-9, top - bottom));
    const line = (values: number[], color: string, w: number) => {
      c.strokeStyle = color;
      c.lineWidth = w;
      c.beginPath();
      values.forEach((v, i) => (i === 0 ? c.moveTo(x(i), y(v)) : c.lineTo(x(i), y(v))));
      c.stroke();
    };
    line(this.steps, '#ccc', 1);
    line(means, '#1565c0', 2);
    c.fillStyle = '#ef6c00';
    for (const e of this.epochs) c.fillRect(x(e.step - 1) - 3, y(e.val) - 3, 6, 6);
    c.fillStyle = '#444';
    c.font = '11px sans-serif';
    c.fillText(top.toFixed(0), 4, 16);
    c.fillText(bottom.toFixed(0), 4, height - 22);
    c.fillText(`step ${n}`, width - 60, height - 6);
    c.fillStyle = '#1565c0';
    c.fillText(`mean of ${MEAN_OF} steps`, left, height - 6);
    c.fillStyle = '#ef6c00';
    c.fillText('validation', left + 120, height - 6);
  }
}
