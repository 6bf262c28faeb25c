/** Config files as text: what a JSON config may look like beyond what JSON.parse checks. */
import { ConfigError } from './schema.js';

/**
 * How deep a config may nest: the sections, their keys and list values need 3 levels. Deeper input is refused
 * before anything walks it (a message quoting a value 100,000 levels deep would overflow the stack).
 */
export const MAX_CONFIG_DEPTH = 8;

/** JSON.parse, ignoring one leading UTF-8 byte-order mark (some Windows editors write one); throws SyntaxError. */
export function parseConfigText(text: string): unknown {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/** Refuses `value` when objects or arrays nest in it more than MAX_CONFIG_DEPTH levels; `source` names it. */
export function checkConfigDepth(value: unknown, source: string): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_CONFIG_DEPTH) {
      throw new ConfigError(`${source}: nested more than ${MAX_CONFIG_DEPTH} levels deep: expected "model", "train" and "data" sections of plain values and lists`);
    }
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
}
