/** The latent map: projection to the plane, and points drawn in the colour of their label. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classColor, CLASS_COLORS } from '../../src/views/palette.js';
import { projectTo2d } from '../../src/views/projection.js';
import { scatterSvg } from '../../src/views/scatter.js';
import { assertClose } from '../helpers/engine.js';

/** Centres of the points of the SVG's data paths, grouped by fill colour (legend symbols left out). */
function pointsByColour(svg: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const m of svg.matchAll(/<path d="([^"]*)"([^>]*)>/g)) {
    const fill = /fill="(#[0-9a-f]{6})"/.exec(m[2])?.[1];
    if (!fill || m[2].includes('legend') || m[2].includes('transform=')) continue;
    // Each point is one circle "Mx yA..."; its M is on the circle, within the symbol radius of the centre.
    const pts = [...m[1].matchAll(/M(-?[\d.]+) (-?[\d.]+)/g)].map((p) => [Number(p[1]), Number(p[2])] as [number, number]);
    out.set(fill, [...(out.get(fill) ?? []), ...pts]);
  }
  return out;
}

test('scatter colours match labels: each class is drawn where its points are, in its colour', () => {
  // Class c sits in a tight cluster at angle 2 pi c / 10 on the unit circle, so each has its own region.
  const labels: number[] = [];
  const xy: number[] = [];
  for (let c = 0; c < 10; c++) {
    for (let i = 0; i < 20 + c; i++) {
      labels.push(c);
      xy.push(Math.cos((2 * Math.PI * c) / 10) + 0.01 * Math.sin(i), Math.sin((2 * Math.PI * c) / 10) + 0.01 * Math.cos(i));
    }
  }
  const svg = scatterSvg({ xy: Float64Array.from(xy), axes: ['z0', 'z1'], explained: 1, method: 'identity' }, labels, '2-D latent means', { title: 'test' });
  const groups = pointsByColour(svg);
  const width = 640;
  const height = 560;
  const centres = new Map<number, [number, number]>();
  for (let c = 0; c < 10; c++) {
    const pts = groups.get(classColor(c));
    assert.ok(pts, `no points drawn in ${classColor(c)} for label ${c}`);
    assert.equal(pts.length, 20 + c, `label ${c}: points in its colour`);
    const cx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
    const cy = pts.reduce((s, p) => s + p[1], 0) / pts.length;
    for (const [x, y] of pts) assert.ok(Math.hypot(x - cx, y - cy) < 12, `label ${c}: a point strays from its cluster`);
    centres.set(c, [cx, cy]);
  }
  // The clusters keep their geometry: label 0 (angle 0) rightmost, label 5 (angle pi) leftmost, label 2 above
  // label 7 (SVG y grows downwards).
  const xs = [...centres.values()].map((p) => p[0]);
  assert.equal(centres.get(0)![0], Math.max(...xs));
  assert.equal(centres.get(5)![0], Math.min(...xs));
  assert.ok(centres.get(2)![1] < centres.get(7)![1]);
  for (const [x, y] of centres.values()) assert.ok(x > 0 && x < width && y > 0 && y < height);
  // Legend: one entry per label, named by it.
  for (let c = 0; c < 10; c++) assert.match(svg, new RegExp(`>${c}</text>`));
  assert.equal(new Set(CLASS_COLORS).size, 10);
});

test('the title and the projection note are on the plot', () => {
  const svg = scatterSvg({ xy: Float64Array.from([0, 0, 1, 1]), axes: ['PC 1', 'PC 2'], explained: 0.5, method: 'pca' }, undefined, 'projected on their first two principal components', { title: 'latent map' });
  assert.match(svg, /latent map/);
  assert.match(svg, /first two principal components/);
  assert.match(svg, /#555555/);
});

test('PCA projection: points on a line in 5-D keep their spacing on the first component', () => {
  const k = 5;
  const dir = [1, 2, -1, 0.5, 3].map((v, _, a) => v / Math.hypot(...a));
  const ts = [-2, -1, 0, 0.5, 2.5];
  const z = ts.flatMap((t, i) => dir.map((d, j) => 4 + t * d + (j === 0 ? 1e-3 * (i % 2) : 0)));
  const p = projectTo2d(z, k);
  assert.equal(p.method, 'pca');
  assert.deepEqual(p.axes, ['PC 1', 'PC 2']);
  const pc1 = ts.map((_, i) => p.xy[2 * i]);
  const mean = ts.reduce((s, t) => s + t, 0) / ts.length;
  const sign = Math.sign(pc1[4] - pc1[0]);
  assertClose(pc1.map((v) => sign * v), ts.map((t) => t - mean), 1e-3, 1e-3);
  assert.ok(p.explained > 0.999999, `explained ${p.explained}`);
  // A 2-D code is drawn as it is.
  const id = projectTo2d([1, 2, 3, 4], 2);
  assert.deepEqual(Array.from(id.xy), [1, 2, 3, 4]);
  assert.throws(() => projectTo2d([1, 2], 1), /1-D/);
});
