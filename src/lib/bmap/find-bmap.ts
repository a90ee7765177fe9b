import { readFile } from 'node:fs/promises';
import { fsError, isNotFound } from '../fs/fs-error.js';
import { parseBmap, type Bmap } from './bmap-file.js';

/**
 * Where bmaptool looks for an image's map: IMAGE.bmap, then the name with each extension
 * taken off in turn (os.img.xz → os.img.bmap → os.bmap).
 */
export function bmapCandidates(imagePath: string): string[] {
  const out = [`${imagePath}.bmap`];
  const slash = imagePath.lastIndexOf('/');
  let stem = imagePath;
  for (let dot = stem.lastIndexOf('.'); dot > slash + 1; dot = stem.lastIndexOf('.')) {
    stem = stem.slice(0, dot);
    out.push(`${stem}.bmap`);
  }
  return out;
}

/** The map at `path`, parsed and its own checksum checked. */
export async function loadBmap(path: string): Promise<Bmap> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw fsError(err, path, 'read');
  });
  return parseBmap(text);
}

/**
 * The first candidate map that exists beside the image, or undefined. A candidate that is
 * there but cannot be read (a directory, no permission) fails like any unreadable input.
 */
export async function findBmap(imagePath: string): Promise<{ path: string; bmap: Bmap } | undefined> {
  for (const path of bmapCandidates(imagePath)) {
    const text = await readFile(path, 'utf8').catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw fsError(err, path, 'read');
    });
    if (text !== undefined) return { path, bmap: parseBmap(text) };
  }
  return undefined;
}
