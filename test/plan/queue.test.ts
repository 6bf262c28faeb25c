/**
 * A plan through a job queue: its own redis-server on 127.0.0.1, four tiny runs, two `vaekit worker` processes,
 * one killed (SIGKILL) in the middle of a run. Every run completes, the killed one resumed by the other worker,
 * and each has the figures of the same run trained alone.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildOnce, removeTempDirs, tempDir, transcript, vaekit, vaekitInProcess } from '../cli/helpers.js';
import { assertSameAsAlone, readPlanFile, start, TINY } from './helpers.js';
import { fullOnly } from '../helpers/tiers.js';

const REDIS = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
// A redis-server and three processes training side by side: a check CI runs (test/helpers/tiers.ts).
const skip = REDIS === '' ? 'redis-server is not installed (Debian: apt-get install redis-server)' : fullOnly('the job queue with its workers');

let redis: ChildProcess | undefined;
before(() => {
  if (!skip) buildOnce();
});
after(() => {
  redis?.kill('SIGTERM');
  removeTempDirs();
});

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

async function startRedis(dir: string): Promise<string> {
  const port = await freePort();
  redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`redis-server did not start: ${said}`)), 10_000);
    redis!.stdout!.on('data', (d) => {
      said += String(d);
      if (said.includes('Ready to accept connections')) {
        clearTimeout(timer);
        res();
      }
    });
    redis!.on('exit', (code) => rej(new Error(`redis-server exited with ${code}: ${said}`)));
  });
  return `redis://127.0.0.1:${port}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Epochs written to a run's history so far. */
function epochsIn(dir: string): number {
  try {
    return (JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as unknown[]).length;
  } catch {
    return 0;
  }
}

test('four runs through a queue, two workers, one killed mid-run: every run done, as if trained alone', { skip, timeout: 600_000 }, async () => {
  const cwd = tempDir();
  const url = await startRedis(cwd);
  const made = await vaekitInProcess(['plan', 'make', 'sweep', '--set', 'train.seed=0,1', '--set', 'model.latentDim=2,3', ...TINY, '--out', 'sw'], cwd);
  assert.equal(made.code, 0, transcript(made));
  const plan = readPlanFile(join(cwd, 'sw', 'plan.json'));
  assert.equal(plan.runs.length, 4);
  const submitted = vaekit(['plan', 'submit', 'sw', '--queue', url], cwd);
  assert.equal(submitted.code, 0, transcript(submitted));
  assert.match(submitted.stdout, /4 run\(s\) of .* put on queue "vaekit"/);

  const worker = ['worker', '--queue', url, '--lock-seconds', '2', '--threads', '1', '--exit-when-idle'];
  const a = start(worker, cwd);
  const b = start(worker, cwd);
  // Killed once a run of its has a checkpoint but not its last epoch.
  let killed: string | undefined;
  for (const deadline = Date.now() + 120_000; killed === undefined && Date.now() < deadline; await sleep(15)) {
    const current = [...a.out().matchAll(/^(\S+) \(.*\): training$/gm)].at(-1)?.[1];
    const e = current === undefined ? 0 : epochsIn(join(cwd, 'sw', current));
    if (current !== undefined && e === 1) {
      // The machine dies: the worker and the training process it started (the run's lock names it), at once.
      a.child.kill('SIGKILL');
      try {
        const owner = JSON.parse(readFileSync(join(cwd, 'sw', current, 'vaekit.lock'), 'utf8')) as { pid: number };
        process.kill(owner.pid, 'SIGKILL');
      } catch {
        // Already gone with its worker.
      }
      killed = current;
    }
  }
  assert.ok(killed !== undefined, `worker A was never seen mid-run:\n${a.out()}`);
  assert.equal(await a.exited, null);
  // An unref'd timer: once worker B has exited, nothing keeps this process waiting for it.
  const code = await Promise.race([b.exited, new Promise((res) => setTimeout(res, 240_000, 'timeout').unref())]);
  assert.equal(code, 0, `worker B:\n${b.out()}`);

  const status = vaekit(['plan', 'status', 'sw', '--queue', url], cwd);
  assert.equal(status.code, 0, transcript(status));
  assert.match(status.stdout, /4 runs into .*: 4 done/, transcript(status));
  assert.equal((status.stdout.match(/\[queue: completed\]/g) ?? []).length, 4, status.stdout);
  // The killed run went on from its checkpoint on the other worker.
  const log = readFileSync(join(cwd, 'sw', killed, 'train.log'), 'utf8');
  assert.match(log, /resuming .* at epoch [23]/, log);
  assert.ok(b.out().includes(`${killed} (`), b.out());
  assert.ok(!existsSync(join(cwd, 'sw', killed, 'vaekit.lock')));
  await assertSameAsAlone(plan, join(cwd, 'sw'), join(cwd, 'ref'), cwd);
});
