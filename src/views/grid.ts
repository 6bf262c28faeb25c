import { blit, filledImage, RgbaImage, upscaleNearest } from './image.js';

/** How cells are laid out in a grid image. */
export interface GridOptions {
  /** Cells per row. Default: ceil(sqrt(number of cells)). */
  columns?: number;
  /** Nearest-neighbour upscaling of every cell. Default 2. */
  scale?: number;
  /** Width in pixels of the separator between neighbouring cells (not scaled). Default 1. */
  gap?: number;
  /** Colour of the separators and of empty cells, [r, g, b]. Default a mid grey, visible on black and white digits. */
  background?: readonly [number, number, number];
}

/** Where each cell of a grid goes. */
export interface GridLayout {
  rows: number;
  columns: number;
  /** Size of one upscaled cell. */
  cellWidth: number;
  cellHeight: number;
  gap: number;
  width: number;
  height: number;
}

export const GRID_DEFAULTS = { scale: 2, gap: 1, background: [128, 128, 128] as const };

/** The layout of `count` cells of `cellWidth` x `cellHeight` (before upscaling). */
export function gridLayout(count: number, cellWidth: number, cellHeight: number, opts: GridOptions = {}): GridLayout {
  if (count < 1) throw new Error('a grid needs at least one cell');
  const scale = opts.scale ?? GRID_DEFAULTS.scale;
  const gap = opts.gap ?? GRID_DEFAULTS.gap;
  const columns = opts.columns ?? Math.ceil(Math.sqrt(count));
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`columns must be an integer >= 1, got ${columns}`);
  if (!Number.isInteger(gap) || gap < 0) throw new Error(`gap must be an integer >= 0, got ${gap}`);
  const rows = Math.ceil(count / columns);
  const cw = cellWidth * scale;
  const ch = cellHeight * scale;
  return { rows, columns, cellWidth: cw, cellHeight: ch, gap, width: columns * cw + (columns - 1) * gap, height: rows * ch + (rows - 1) * gap };
}

/** Top-left pixel of the cell at (row, column). */
export function cellOrigin(layout: GridLayout, row: number, column: number): { x: number; y: number } {
  return { x: column * (layout.cellWidth + layout.gap), y: row * (layout.cellHeight + layout.gap) };
}

/**
 * Cells placed row by row (cell i at row floor(i / columns), column i mod columns), each upscaled by
 * nearest neighbour, with separators between them. All cells must have the same size.
 */
export function imageGrid(cells: RgbaImage[], opts: GridOptions = {}): RgbaImage {
  if (cells.length === 0) throw new Error('a grid needs at least one cell');
  const { width, height } = cells[0];
  for (const c of cells) {
    if (c.width !== width || c.height !== height) throw new Error(`grid cells differ in size: ${c.width}x${c.height} and ${width}x${height}`);
  }
  const layout = gridLayout(cells.length, width, height, opts);
  const out = filledImage(layout.width, layout.height, opts.background ?? GRID_DEFAULTS.background);
  cells.forEach((cell, i) => {
    const { x, y } = cellOrigin(layout, Math.floor(i / layout.columns), i % layout.columns);
    blit(out, upscaleNearest(cell, opts.scale ?? GRID_DEFAULTS.scale), x, y);
  });
  return out;
}
