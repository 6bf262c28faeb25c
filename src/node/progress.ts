/**
 * Progress for long loops. On a terminal, one line redrawn in place with a bar; in CI logs and pipes, a plain
 * line now and then, since carriage returns there turn into walls of text.
 */

/** Where progress goes: `process.stderr` or anything with the same few members (tests pass a fake). */
export interface ProgressStream {
  write(s: string): boolean;
  /** True for an interactive terminal: redraw in place. */
  isTTY?: boolean;
  /** Terminal width in characters; 80 when unknown. */
  columns?: number;
}

/** Options for {@link Progress}. */
export interface ProgressOptions {
  /** Printed first on every line, e.g. "epoch 3/10". */
  label: string;
  /** Count at which the loop is done (images, batches, ...). */
  total: number;
  /** Name of one counted thing; default 'img'. */
  unit?: string;
  /** Output; default `process.stderr`. */
  stream?: NodeJS.WriteStream | ProgressStream;
  /** Seconds between plain lines when the stream is not a TTY; default 10. */
  plainEvery?: number;
  /** Clock in milliseconds, for tests; default `Date.now`. */
  now?: () => number;
}

/** Extra values shown after the rate, e.g. `{ loss: 103.2, kl: 25 }`. */
export type ProgressFields = Record<string, string | number>;

const TTY_INTERVAL_MS = 100; // at most ~10 redraws a second: faster is invisible and costs time
const MIN_BAR = 10;
const MAX_BAR = 40;

/** Seconds as `h:mm:ss` from an hour up, else `m:ss`; `--` when unknown (negative, NaN or infinite). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Integers with thousands separators, fixed to ',' so logs do not depend on the machine's locale. */
function groupThousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return '--';
  return rate >= 100 ? groupThousands(rate) : rate.toFixed(2);
}

function formatFields(fields: ProgressFields): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v}`)
    .join(' ');
}

/** A number in about four characters: 0.69, 25.0, 103, 1.2k, 60k, 3.4M. */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '--' : String(v);
  const a = Math.abs(v);
  const scaled = (x: number, suffix: string) => `${Math.abs(x) < 9.95 ? x.toFixed(1).replace(/\.0$/, '') : Math.round(x)}${suffix}`;
  if (a >= 999_500) return scaled(v / 1e6, 'M');
  if (a >= 999.5) return scaled(v / 1e3, 'k');
  if (Number.isInteger(v) || a >= 99.5) return String(Math.round(v));
  return a >= 9.995 ? v.toFixed(1) : v.toFixed(2);
}

/**
 * The parts of a terminal line, each in a long and a short form. The fields (the loss terms) are the point of
 * the line and come last but are never dropped; the count, the rate and the time go first when space runs out.
 */
interface LineParts {
  percent: string;
  count: [string, string];
  rate: [string, string];
  time: string;
  fields: [string, string];
}

/** Reports `done` out of `total` with rate and ETA: call `update` as often as you like, then `finish` once. */
export class Progress {
  private readonly label: string;
  private readonly total: number;
  private readonly unit: string;
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly plainEveryMs: number;
  private readonly now: () => number;
  private readonly start: number;
  private lastWrite: number;
  private done = 0;
  private fields: ProgressFields = {};
  private finished = false;
  /** The widest each part of a terminal line has been: the layout only ever narrows, so it does not jump. */
  private readonly widths = new Map<string, number>();
  private readonly fractional = new Set<string>();

  /** Starts the clock; nothing is printed until the first `update`. */
  constructor(opts: ProgressOptions) {
    this.label = opts.label;
    this.total = opts.total;
    this.unit = opts.unit ?? 'img';
    this.stream = opts.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
    this.plainEveryMs = (opts.plainEvery ?? 10) * 1000;
    this.now = opts.now ?? Date.now;
    this.start = this.now();
    // A terminal shows the first update at once; a log waits a full interval so short loops print one line.
    this.lastWrite = this.tty ? -Infinity : this.start;
  }

  /** Records progress; draws only when the throttle allows. `fields` replace the previous ones. */
  update(done: number, fields?: ProgressFields): void {
    if (this.finished) return;
    this.done = done;
    if (fields) this.fields = fields;
    const t = this.now();
    if (t - this.lastWrite < (this.tty ? TTY_INTERVAL_MS : this.plainEveryMs)) return;
    this.lastWrite = t;
    this.write(t, false);
  }

  /** Prints the final line (elapsed time instead of ETA) and a newline; later calls do nothing. */
  finish(fields?: ProgressFields): void {
    if (this.finished) return;
    this.finished = true;
    if (fields) this.fields = fields;
    this.write(this.now(), true);
  }

  private write(t: number, final: boolean): void {
    const elapsed = (t - this.start) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : NaN;
    const fraction = this.total > 0 ? Math.min(1, Math.max(0, this.done / this.total)) : 1;
    const eta = this.done > 0 && rate > 0 ? Math.max(0, this.total - this.done) / rate : NaN;
    const parts = [
      `${Math.floor(fraction * 100)}% ${this.done}/${this.total} ${this.unit}`,
      `${formatRate(rate)} ${this.unit}/s`,
      final ? `took ${formatDuration(elapsed)}` : `ETA ${formatDuration(eta)}`,
    ];
    const extra = formatFields(this.fields);
    if (extra) parts.push(extra);

    if (!this.tty) {
      this.stream.write(`${this.label} ${parts.join(', ')}\n`);
      return;
    }
    // One column spare: writing into the last column makes some terminals wrap, breaking the redraw.
    const width = (this.stream.columns ?? 80) - 1;
    const line = this.ttyLine(width, fraction, {
      // Room is kept from the start for what grows as a loop gets going: 100%, a rate in the thousands.
      percent: this.pad('percent', `${Math.floor(fraction * 100)}%`, 4),
      count: [
        this.pad('count', `${String(this.done).padStart(String(this.total).length)}/${this.total} ${this.unit}`),
        this.pad('count.short', `${shortNumber(this.done).padStart(Math.max(4, shortNumber(this.total).length))}/${shortNumber(this.total)}`),
      ],
      rate: [this.pad('rate', `${formatRate(rate)} ${this.unit}/s`, `0,000 ${this.unit}/s`.length), this.pad('rate.short', `${shortNumber(rate)}/s`, 6)],
      time: this.pad('time', parts[2], 'ETA 0:00'.length),
      fields: [this.padFields(this.fields, false), this.padFields(this.fields, true)],
    });
    this.stream.write(`\r${line.slice(0, width)}\x1b[K${final ? '\n' : ''}`);
  }

  /**
   * The first layout that fits `width`: the long parts with a bar as wide as the room allows (down to MIN_BAR);
   * then short numbers; then without the count, then the rate; then no bar; then no time. Every part is padded
   * to the widest it has been, so the layout and the bar hold still from one redraw to the next.
   */
  private ttyLine(width: number, fraction: number, p: LineParts): string {
    const join = (...xs: string[]) => xs.filter((x) => x !== '').join(' ');
    const bar = (rest: string) => {
      const room = width - this.label.length - rest.length - 4; // ' [' + '] '
      if (room < MIN_BAR) return null;
      const barWidth = Math.min(MAX_BAR, room);
      const filled = Math.round(fraction * barWidth);
      return `${this.label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${rest}`;
    };
    const long = bar(join(p.percent, p.count[0], '|', p.rate[0], '|', p.time, ...(p.fields[0] ? ['|', p.fields[0]] : [])));
    const short = [
      [p.percent, p.count[1], p.rate[1], p.time, p.fields[1]],
      [p.percent, p.rate[1], p.time, p.fields[1]],
      [p.percent, p.time, p.fields[1]],
    ];
    const withBar = long ?? short.map((parts) => bar(join(...parts))).find((line) => line !== null);
    if (withBar) return withBar;
    const bare = join(this.label, p.percent, p.time, p.fields[1]);
    return bare.length <= width ? bare : join(this.label, p.percent, p.fields[1]);
  }

  /** `text` padded on the left to the widest this slot has held (at least `least`). */
  private pad(slot: string, text: string, least = 0): string {
    const w = Math.max(this.widths.get(slot) ?? least, text.length);
    this.widths.set(slot, w);
    return text.padStart(w);
  }

  /** Terms; fractional ones (losses) with room for values up to 999.99, or 4 characters short, and kept fractional. */
  private padFields(fields: ProgressFields, short: boolean): string {
    return Object.entries(fields)
      .map(([k, v]) => {
        if (typeof v !== 'number') return `${k} ${this.pad(`text:${k}`, v)}`;
        if (!Number.isInteger(v)) this.fractional.add(k);
        const fractional = this.fractional.has(k);
        if (short) return `${k} ${this.pad(`short:${k}`, shortNumber(v), fractional ? 4 : 0)}`;
        return `${k} ${this.pad(`long:${k}`, fractional ? v.toFixed(2) : String(v), fractional ? 6 : 0)}`;
      })
      .join(' ');
  }
}
