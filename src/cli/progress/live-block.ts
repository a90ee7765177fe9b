import type { Writable } from 'node:stream';

const ESC = '\x1b[';

/**
 * The block of progress lines at the bottom of a terminal, redrawn in place. Each draw is
 * one write: back to the block's top, the lines that stay above it, the new block, erase
 * what is left below; so the block never flickers away.
 */
export class LiveBlock {
  private drawnLines = 0;

  constructor(private readonly out: Writable) {}

  draw(above: readonly string[], block: readonly string[]): void {
    const up = this.drawnLines > 0 ? `${ESC}${this.drawnLines}F` : '';
    const lines = [...above, ...block].map((l) => `${ESC}2K${l}\n`).join('');
    this.out.write(`${up}${lines}${ESC}J`);
    this.drawnLines = block.length;
  }
}
