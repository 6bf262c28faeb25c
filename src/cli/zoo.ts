import { zooFigureText } from '../io/zooManifest.js';
import { readZoo, ZOO_OUTPUTS, ZOO_PREFIX, zooDir } from '../node/zoo.js';
import { ParsedCommand } from './flags.js';

/** Lists the zoo as a table, or its manifest as JSON. */
export function zooCommand(args: ParsedCommand, log: (s: string) => void): Promise<number> {
  const zoo = readZoo();
  if (args.flags.json === true) {
    log(JSON.stringify(zoo, null, 2));
    return Promise.resolve(0);
  }
  if (zoo.models.length === 0) {
    log(`the zoo is empty (${zooDir()} holds no ${'manifest.json'} or no model)`);
    return Promise.resolve(0);
  }
  const rows = [
    ['name', 'kind', 'data', 'figure', 'size'],
    ...zoo.models.map((m) => {
      const { figure } = m;
      const on = figure.images === 10000 ? '' : ` on ${figure.images.toLocaleString('en-US')} images`;
      const k = figure.k > 0 ? ` (k=${figure.k})` : '';
      return [m.name, m.kind, m.data, `${figure.name} ${zooFigureText(figure.value, figure.unit)}${k}${on}`, sizeText(m.bytes)];
    }),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) log(r.map((cell, c) => (c === r.length - 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
  log('');
  log(`open one as ${ZOO_PREFIX}<name> wherever a checkpoint goes: vaekit eval ${ZOO_PREFIX}${zoo.models[0].name} --limit ${zoo.models[0].check.images}`);
  log(`what a command writes for a zoo model goes to ${ZOO_OUTPUTS}/<name>/ in the current directory, or to --out`);
  return Promise.resolve(0);
}

function sizeText(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`;
}
