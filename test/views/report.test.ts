/** The report: valid HTML (no parse error by the WHATWG parser), self-contained, escaped, complete. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, ParserError } from 'parse5';
import { escapeHtml, inlineSvg, reportHtml } from '../../src/views/report.js';
import { trainingCurves, historyTerms } from '../../src/views/curves.js';
import { decodePng } from '../../src/node/png.js';
import { useTestBackend } from '../helpers/engine.js';
import { HISTORY, syntheticDataset, tinyReport } from './fixtures.js';
import { Cvae, CVAE_DEFAULTS } from '../../src/models/cvae.js';
import { pngDataUri } from '../../src/node/png.js';
import { bestEpochText, runReportHtml } from '../../src/views/runReport.js';

interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
  value?: string;
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const c of node.childNodes ?? []) walk(c, visit);
  if (node.content) walk(node.content, visit);
}

let html = '';
let doc: Node;
const errors: ParserError[] = [];
before(async () => {
  await useTestBackend();
  html = tinyReport();
  doc = parse(html, { onParseError: (e) => errors.push(e) }) as unknown as Node;
});

test('the report parses as HTML with no parse error and a doctype', () => {
  assert.deepEqual(errors.map((e) => `${e.code} at line ${e.startLine}`), []);
  assert.match(html, /^<!DOCTYPE html>/);
});

test('the report references nothing outside itself', () => {
  const tags = new Set<string>();
  walk(doc, (n) => {
    if (n.tagName) tags.add(n.tagName);
    for (const a of n.attrs ?? []) {
      if (['src', 'href', 'xlink:href', 'srcset', 'action', 'poster', 'data'].includes(a.name)) {
        assert.match(a.value, /^data:|^#/, `<${n.tagName} ${a.name}="${a.value.slice(0, 60)}">`);
      }
      assert.doesNotMatch(a.value, /url\((?!\s*['"]?(data:|#))/, `url() in <${n.tagName} ${a.name}>`);
    }
  });
  for (const t of ['script', 'link', 'iframe', 'object', 'embed', 'base']) assert.ok(!tags.has(t), `<${t}> in the report`);
  // Outside the inlined data (whose base64 may hold "//"), no URL at all: not even a namespace name.
  assert.doesNotMatch(html.replace(/data:[^"']*/g, ''), /https?:|\/\/[a-z]|@import/i, 'no URL anywhere in the file');
});

test('the report holds every picture, the curves, the evaluation and the escaped config', () => {
  const imgs: Node[] = [];
  const svgs: Node[] = [];
  walk(doc, (n) => {
    if (n.tagName === 'img') imgs.push(n);
    if (n.tagName === 'svg') svgs.push(n);
  });
  // samples, reconstructions, interpolation, manifold, traversal; then the latent map and 3 curves as SVG.
  assert.equal(imgs.length, 5);
  for (const img of imgs) {
    const attr = (name: string) => img.attrs!.find((a) => a.name === name)!.value;
    const png = decodePng(new Uint8Array(Buffer.from(attr('src').split(',')[1], 'base64')));
    assert.equal(String(png.width), attr('width'));
    assert.equal(String(png.height), attr('height'));
  }
  assert.equal(svgs.length, 1 + 3);
  for (const title of ['Samples', 'Reconstructions', 'Interpolation', 'Manifold', 'Latent traversal', 'Latent map']) assert.ok(html.includes(`<h3>${title}</h3>`), title);
  assert.ok(html.includes('3-D latent means projected on their first two principal components'));
  assert.ok(html.includes('<th>test -log p(x)</th><td>~= 95.13 nats (importance sampling, k=100)</td>'));
  assert.ok(html.includes('<th>test -ELBO</th><td>99.50 nats (recon 80.25, kl 19.25)</td>'));
  assert.ok(html.includes('tiny &lt;report&gt; &amp; co'));
  assert.ok(html.includes('&lt;b&gt;not markup&lt;/b&gt;'));
  assert.ok(!html.includes('<b>not markup</b>'));
});

test('one curve chart per loss term, with train and validation series', () => {
  assert.deepEqual(historyTerms(HISTORY), ['total', 'recon', 'kl']);
  const charts = trainingCurves(HISTORY);
  assert.deepEqual(charts.map((c) => c.term), ['total', 'recon', 'kl']);
  for (const c of charts) {
    assert.match(c.svg, /^<svg/);
    assert.match(c.svg, />train</);
    assert.match(c.svg, />validation</);
  }
  assert.deepEqual(trainingCurves([]), []);
});

test('a run whose learning rate changed gets a learning-rate chart; a constant rate does not', () => {
  const stepped = HISTORY.map((r, i) => ({ ...r, lr: i === 0 ? 1e-3 : 1e-4 }));
  const charts = trainingCurves(stepped);
  assert.deepEqual(charts.map((c) => c.term), ['total', 'recon', 'kl', 'lr']);
  assert.match(charts[3].svg, />learning rate \(Adam\)</);
  assert.deepEqual(trainingCurves(HISTORY.map((r) => ({ ...r, lr: 1e-3 }))).map((c) => c.term), ['total', 'recon', 'kl']);
});

test('a report without evaluation, history or pictures says so instead', () => {
  const page = reportHtml({ title: 't', summary: [], config: {}, history: [], curves: [], figures: [], omitted: ['samples: model kind ae has no prior over codes'] });
  assert.ok(page.includes('Not evaluated yet'));
  assert.ok(page.includes('No finished epoch'));
  assert.ok(page.includes('model kind ae has no prior over codes'));
  const errs: ParserError[] = [];
  parse(page, { onParseError: (e) => errs.push(e) });
  assert.deepEqual(errs, []);
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  assert.equal(inlineSvg('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="2"></svg>'), '<svg width="2"></svg>');
});

test('a classifier\'s history: validation columns hold its error in percent, not nats, beside train terms it does not share', () => {
  const history = [1, 2].map((epoch) => ({ epoch, beta: 1, train: { total: 500 / epoch, labelled: 510 / epoch, classifier: 2.3 }, val: { error: 0.5 / epoch }, seconds: 1 }));
  const page = reportHtml({ title: 't', summary: [], config: {}, history, curves: [], figures: [], omitted: [] });
  assert.ok(page.includes('<th>val error</th>'), 'no validation column');
  assert.ok(page.includes('<td>50.00%</td>') && page.includes('<td>25.00%</td>'), 'the error is not in percent');
  assert.ok(!page.includes('<th>val total</th>'), 'a validation column with nothing in it');
  assert.equal(bestEpochText({ best: { epoch: 2, total: 0.25 }, history }), '2 (val error 25.00%)');
  assert.equal(bestEpochText({ best: { epoch: 3, total: 95.123 }, history: HISTORY }), '3 (95.12 nats)');
});

test('the evaluation shows the figures of eval.json and classify.json in their units; "not evaluated" only without both', () => {
  const evaluation = { checkpoint: 'runs/m2/best.ckpt', epoch: 3, split: 'test', seed: 0, images: 200, classifierError: 0.0712, bounds: { of: 'images', dequantized: false, labelled: { total: 101.5, terms: { recon: 97, kl: 2.2 } }, unlabelled: { total: 100.25, terms: { recon: 96, kl: 2, entropy: 0.5 } } } };
  const page = reportHtml({ title: 't', summary: [], config: {}, history: [], curves: [], figures: [], omitted: [], evaluation, classification: { error: 0.0625, images: 10000 } });
  assert.ok(!page.includes('Not evaluated yet'));
  assert.ok(page.includes('<th>scored by vaekit eval</th><td>runs/m2/best.ckpt (epoch 3), 200 test images, seed 0</td>'));
  assert.ok(page.includes('<th>test error of q(y|x)</th><td>7.12% (14 of 200 images)</td>'));
  assert.ok(page.includes('<th>test error of q(y|x), vaekit classify</th><td>6.25% (625 of 10000 images)</td>'));
  assert.match(page, /<th>test -L\(x,y\)<\/th><td>101\.50 nats \(recon 97\.00, kl 2\.20\)/);
  assert.match(page, /<th>test -U\(x\)<\/th><td>100\.25 nats \(recon 96\.00, kl 2\.00, entropy 0\.50\)/);
  const classifiedOnly = reportHtml({ title: 't', summary: [], config: {}, history: [], curves: [], figures: [], omitted: [], classification: { error: 0.5, images: 2 } });
  assert.ok(!classifiedOnly.includes('Not evaluated yet'));
  assert.ok(classifiedOnly.includes('50.00% (1 of 2 images)'));
});

test('a model that decodes given a label gets the label views and, from classify.json, its confusion matrix', () => {
  const shape: [number, number, number] = [28, 28, 1];
  const cvae = new Cvae({ ...CVAE_DEFAULTS, latentDim: 2, hidden: [8] }, 784, 1);
  try {
    const confusion = Array.from({ length: 100 }, (_, i) => (i % 11 === 0 ? 9 : 0));
    const page = runReportHtml({ model: cvae, shape, test: syntheticDataset(shape, 20), title: 't', summary: [], config: {}, history: HISTORY, toDataUri: pngDataUri, classification: { error: 0, images: 90, confusion } });
    for (const title of ['Samples by label', 'Manifold, label 0', 'Analogies', 'Confusion matrix']) assert.ok(page.includes(`<h3>${title}</h3>`), title);
    assert.doesNotMatch(page, /has no (decoder|encoder)/);
    assert.match(page, /latent map: model kind cvae encodes and decodes given a label/);
    const errs: ParserError[] = [];
    parse(page, { onParseError: (e) => errs.push(e) });
    assert.deepEqual(errs, []);
  } finally {
    cvae.dispose();
  }
});
