/**
 * The README and the guides under docs/: every relative link and image resolves to a file in the repository
 * (and to a heading, where it names an anchor), nothing points outside the repository, and the README stays short.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { headingAnchors, headingSlug, markdownLinks } from './markdown.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const README_MAX_LINES = 260;

/** README.md and every Markdown file under docs/, as paths relative to the repository root. */
function docFiles(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f));
  return ['README.md', ...docs.sort()];
}

function read(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

/** Why a link from `file` is wrong, or null when it resolves inside the repository. */
function linkProblem(file: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return 'points outside the repository (a URL)';
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  if (pathPart.startsWith('/')) return 'is an absolute path';
  const resolved = pathPart === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), decodeURI(pathPart.split('?')[0]));
  const inside = path.relative(ROOT, resolved);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return 'points outside the repository';
  if (!existsSync(resolved)) return `names ${inside}, which does not exist`;
  if (anchor === undefined || anchor === '' || !statSync(resolved).isFile() || !resolved.endsWith('.md')) return null;
  if (!headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) return `names #${anchor}, which is no heading of ${inside}`;
  return null;
}

test('the heading anchors follow GitHub: markup and punctuation dropped, spaces to hyphens, repeats numbered', () => {
  assert.equal(headingSlug('Semi-supervised MNIST: `vaekit ssl`'), 'semi-supervised-mnist-vaekit-ssl');
  assert.equal(headingSlug('A VAE on MNIST: -log p(x)'), 'a-vae-on-mnist--log-px');
  assert.equal(headingSlug('CIFAR-10 below 5 bits/dim: `--decoder gaussian-ar`'), 'cifar-10-below-5-bitsdim---decoder-gaussian-ar');
  assert.deepEqual([...headingAnchors('# Tests\n\n```sh\n# not a heading\n```\n## Tests\n')], ['tests', 'tests-1']);
});

test('links are found in prose and tables, not in code', () => {
  const text = '![a](x.png) and [b](y.md#z)\n| `[c](no.md)` | [d](w.md) |\n```\n[e](no2.md)\n```\n<img src="v.svg">';
  assert.deepEqual(markdownLinks(text).map((l) => l.target), ['x.png', 'y.md#z', 'w.md', 'v.svg']);
});

test('every relative link and image in README.md and docs/ resolves to a file in the repository', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const file of docFiles()) {
    for (const link of markdownLinks(read(file))) {
      checked += 1;
      const problem = linkProblem(file, link.target);
      if (problem) problems.push(`${file}:${link.line}: ${link.image ? 'image' : 'link'} ${link.target} ${problem}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked > 50, `only ${checked} links found: is the parser still reading them?`);
});

test('the guides are reachable: every file under docs/ is linked from docs/README.md', () => {
  const index = markdownLinks(read('docs/README.md')).map((l) => path.normalize(path.join('docs', l.target.split('#')[0])));
  const missing = docFiles().filter((f) => f.startsWith('docs') && f !== path.join('docs', 'README.md') && !index.includes(f));
  assert.deepEqual(missing, []);
});

test(`README.md has at most ${README_MAX_LINES} lines`, () => {
  const lines = read('README.md').replace(/\n$/, '').split('\n').length;
  assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines; move detail into docs/`);
});
