/**
 * `vaekit serve`: its help and refusals (the command line in process), and a real process as a user runs it:
 * the URL it prints answers, and Ctrl-C stops it cleanly. Runs the TypeScript sources through tsx, so no
 * build of dist/ is needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../src/cli/main.js';
import { captureWrites, ROOT } from './helpers.js';

const DEMO = join(ROOT, 'web', 'public', 'demo', 'vae-mnist-z2.ckpt');

/** Runs `vaekit ...args` in process, capturing what it prints. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = { stdout: '', stderr: '' };
  const restore = captureWrites(captured);
  try {
    const code = await main(args, (s) => (captured.stdout += `${s}\n`));
    return { code, ...captured };
  } finally {
    restore();
  }
}

test('vaekit serve --help explains every flag', async () => {
  const r = await run(['serve', '--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const flag of ['--port', '--host', '--data', '--data-dir', '--no-data', '--app-dir']) assert.ok(r.stdout.includes(flag), `${flag} in\n${r.stdout}`);
  assert.match(r.stdout, /Usage: vaekit serve \[checkpoint/);
});

test('bad flags, a missing checkpoint and an unbuilt app are refused, naming them', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'vaekit-serve-'));
  try {
    const cases: [string[], number, RegExp][] = [
      [['serve', '--port', '70000'], 2, /--port 70000: expected a port number 0\.\.65535/],
      [['serve', '--port', 'x'], 2, /--port/],
      [['serve', 'a.ckpt', 'b.ckpt'], 2, /unexpected argument "b\.ckpt"/],
      [['serve', join(empty, 'missing.ckpt')], 1, /checkpoint not found: .*missing\.ckpt/],
      [['serve', '--app-dir', empty, '--port', '0'], 1, /the browser app is not built/],
    ];
    for (const [args, code, message] of cases) {
      const r = await run(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('it prints a URL that serves the app and the checkpoint, and Ctrl-C stops it cleanly', { timeout: 60_000 }, async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'vaekit-serve-'));
  const app = join(cwd, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'index.html'), '<!doctype html><title>vaekit</title>');
  const tsx = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const entry = `const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src', 'cli', 'main.ts')).href)}); process.exitCode = await main(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', entry, 'serve', DEMO, '--port', '0', '--app-dir', app], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const guard = setTimeout(() => child.kill('SIGKILL'), 50_000);
  try {
    const url = await new Promise<string>((done, fail) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        const m = /vaekit app: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (m) done(m[1]);
      });
      child.on('close', (code) => fail(new Error(`serve exited with ${code} before printing a URL\n${stdout}${stderr}`)));
    });
    try {
      assert.equal(await (await fetch(url)).text(), '<!doctype html><title>vaekit</title>');
      const session = (await (await fetch(`${url}api/session`)).json()) as { checkpoint: { name: string }; data: { name: string } };
      assert.equal(session.checkpoint.name, 'vae-mnist-z2.ckpt');
      assert.equal(session.data.name, 'mnist', "the checkpoint's own data set");
    } finally {
      child.kill('SIGINT');
    }
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 0, `${stdout}${stderr}`);
  } finally {
    clearTimeout(guard);
    rmSync(cwd, { recursive: true, force: true });
  }
});
