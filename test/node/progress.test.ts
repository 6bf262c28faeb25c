import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, Progress, shortNumber } from '../../src/node/progress.js';

class FakeStream {
  chunks: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns?: number,
  ) {}
  write(s: string): boolean {
    this.chunks.push(s);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

/** A clock the test moves by hand, in milliseconds. */
function fakeClock(startMs = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = startMs;
  return { now: () => t, advance: (ms) => (t += ms) };
}

test('formatDuration', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(7.3), '0:07');
  assert.equal(formatDuration(65), '1:05');
  assert.equal(formatDuration(3599.4), '59:59');
  assert.equal(formatDuration(3600), '1:00:00');
  assert.equal(formatDuration(36_000 + 62), '10:01:02');
  assert.equal(formatDuration(NaN), '--');
  assert.equal(formatDuration(Infinity), '--');
  assert.equal(formatDuration(-1), '--');
});

test('TTY: redraws in place with bar, percentage, exact rate and ETA', () => {
  const stream = new FakeStream(true, 160);
  const clock = fakeClock();
  const p = new Progress({ label: 'epoch 1/5', total: 60_000, stream, now: clock.now });
  clock.advance(6000);
  p.update(27_072, { loss: 103.2119, kl: 25.02, step: 423, phase: 'warm-up' });
  const line = stream.chunks[0];
  assert.ok(line.startsWith('\repoch 1/5 ['), line);
  assert.ok(line.endsWith('\x1b[K'), line);
  // rate = 27072 / 6 s = 4512; ETA = (60000 - 27072) / 4512 = 7.3 s
  assert.match(line.slice(0, -'\x1b[K'.length), /\] +45% 27072\/60000 img \| 4,512 img\/s \| ETA 0:07 \| loss 103.21 kl +25.02 step 423 phase warm-up$/);
  assert.match(line, /\[#{18}-{22}\]/); // 45% of a 40-wide bar, rounded
  assert.ok(line.length - '\r\x1b[K'.length <= 159);
});

test('TTY: at most ten redraws a second, and the bar fits the terminal', () => {
  const stream = new FakeStream(true, 72);
  const clock = fakeClock();
  const p = new Progress({ label: 'train', total: 1000, unit: 'batch', stream, now: clock.now });
  for (let i = 1; i <= 100; i++) {
    clock.advance(10);
    p.update(i);
  }
  assert.equal(stream.chunks.length, 10);
  for (const chunk of stream.chunks) {
    assert.equal(chunk.length - '\r\x1b[K'.length, 71, chunk);
    assert.match(chunk, /\[[#-]+\]/);
  }
  p.finish();
  assert.ok(stream.text.endsWith('\n'));
  assert.match(stream.chunks.at(-1)!, /10% +100\/1000 batch \| +100 batch\/s \| took 0:01/);
});

test('TTY: a very narrow terminal drops the bar, the count and the rate, but keeps the loss terms, and never wraps', () => {
  const stream = new FakeStream(true, 40);
  const clock = fakeClock();
  const p = new Progress({ label: 'train', total: 1000, stream, now: clock.now });
  clock.advance(1000);
  p.update(500, { loss: 1.5 });
  assert.equal(stream.chunks[0], '\rtrain  50% ETA 0:01 loss 1.50\x1b[K');
});

test('shortNumber: about four characters', () => {
  const cases: [number, string][] = [[0.6931, '0.69'], [25.02, '25.0'], [103.21, '103'], [7, '7'], [999, '999'], [1000, '1k'], [1234, '1.2k'], [27_072, '27k'], [60_000, '60k'], [3_400_000, '3.4M'], [-0.5, '-0.50'], [NaN, '--']];
  for (const [v, text] of cases) assert.equal(shortNumber(v), text, String(v));
});

test('TTY at 80 columns: an AAE\'s four loss terms all show, the bar shortened to make room', () => {
  const stream = new FakeStream(true, 80);
  const clock = fakeClock();
  const p = new Progress({ label: 'epoch 12/100', total: 55_000, stream, now: clock.now });
  clock.advance(6000);
  p.update(27_072, { loss: 159.8731, recon: 159.8731, disc: 1.38629, gen: 0.693147 });
  const line = stream.chunks[0].slice(1, -'\x1b[K'.length);
  assert.ok(line.length <= 79, line);
  assert.match(line, /^epoch 12\/100 \[#+-+\] /, line);
  assert.ok(line.includes('ETA'), line);
  for (const term of [/loss +160/, /recon +160/, /disc 1.39/, /gen 0.69/]) assert.match(line, term);
  // Wider terminals give the long numbers back.
  const wide = new FakeStream(true, 160);
  const q = new Progress({ label: 'epoch 12/100', total: 55_000, stream: wide, now: clock.now });
  clock.advance(1000);
  q.update(27_072, { loss: 159.8731, recon: 159.8731, disc: 1.38629, gen: 0.693147 });
  assert.match(wide.chunks[0], /loss 159.87 recon 159.87 disc +1.39 gen +0.69/);
});

test('TTY: the line keeps its width and its bar from step to step while numbers change length', () => {
  for (const columns of [160, 100, 80, 60]) {
    const stream = new FakeStream(true, columns);
    const clock = fakeClock();
    const p = new Progress({ label: 'epoch 1/10', total: 60_000, stream, now: clock.now });
    const losses = [543.21, 210.5, 99.87, 105.2, 98.1, 97.654];
    for (let i = 0; i < 30; i++) {
      // The rate climbs from tens to thousands of images a second; the loss falls below 100.
      clock.advance(i < 3 ? 2000 : 150);
      p.update(Math.min(60_000, 20 * (i + 1) ** 3), { loss: losses[i % losses.length], kl: 9.5 + i / 10, disc: 0.7 - i / 100, gen: 2.5 - i / 20 });
    }
    const lines = stream.chunks.map((c) => c.slice(1, -'\x1b[K'.length));
    const settled = lines;
    const widths = new Set(settled.map((l) => l.length));
    const bars = new Set(settled.map((l) => /\[[#-]*\]/.exec(l)?.[0].length ?? 0));
    assert.equal(widths.size, 1, `${columns} columns:\n${settled.join('\n')}`);
    assert.equal(bars.size, 1, `${columns} columns:\n${settled.join('\n')}`);
    for (const l of lines) {
      assert.ok(l.length <= columns - 1, l);
      for (const term of ['loss', 'kl', 'disc', 'gen']) assert.ok(l.includes(`${term} `), `${term} in ${l}`);
    }
  }
});

test('TTY: before any progress the ETA is unknown', () => {
  const stream = new FakeStream(true);
  const clock = fakeClock();
  const p = new Progress({ label: 'x', total: 10, stream, now: clock.now });
  p.update(0);
  assert.match(stream.chunks[0], /0% +0\/10 img \| +-- img\/s \| +ETA --/);
  clock.advance(2000);
  p.update(0);
  assert.match(stream.chunks[1], /0% +0\/10 img \| +0.00 img\/s \| +ETA --/);
});

test('not a TTY: plain lines, no carriage returns, throttled, one at finish', () => {
  const stream = new FakeStream(false);
  const clock = fakeClock();
  const p = new Progress({ label: 'epoch 2', total: 60_000, stream, now: clock.now, plainEvery: 10 });
  for (let s = 1; s <= 25; s++) {
    clock.advance(1000);
    p.update(2000 * s, { loss: 100 + 1 / s });
  }
  assert.equal(stream.chunks.length, 2); // at 10 s and 20 s
  assert.equal(stream.chunks[0], 'epoch 2 33% 20000/60000 img, 2,000 img/s, ETA 0:20, loss 100.10\n');
  clock.advance(500);
  p.finish({ loss: 99.5 });
  assert.equal(stream.chunks.length, 3);
  assert.equal(stream.chunks[2], 'epoch 2 83% 50000/60000 img, 1,961 img/s, took 0:26, loss 99.50\n');
  assert.ok(!stream.text.includes('\r'));
  assert.ok(!stream.text.includes('\x1b'));
});

test('finish prints once, and later updates are ignored', () => {
  const stream = new FakeStream(false);
  const clock = fakeClock();
  const p = new Progress({ label: 'eval', total: 4, stream, now: clock.now });
  clock.advance(1000);
  p.update(4);
  p.finish();
  p.finish();
  clock.advance(60_000);
  p.update(4);
  assert.deepEqual(stream.chunks, ['eval 100% 4/4 img, 4.00 img/s, took 0:01\n']);
});
