/** The report: valid HTML (no parse error by the WHATWG parser), self-contained, escaped, complete. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, ParserError } from 'parse5';
import { escapeHtml, inlineSvg, reportHtml } from '../../src/views/report.js';
import { trainingCurves, historyTerms } from '../../src/views/curves.js';
import { decodePng } from '../../src/node/png.js';
import { useTestBackend } from '../helpers/engine.js';
import { HISTORY, tinyReport } from './fixtures.js';

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
  assert.ok(html.includes('<th>negLogLikelihood</th><td>95.1250</td>'));
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
