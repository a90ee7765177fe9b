import { describe, expect, it } from 'vitest';
import { xdgDir } from '../../../src/lib/fs/xdg-dir.js';

describe('xdgDir', () => {
  it.each([
    ['config', 'XDG_CONFIG_HOME', '/h/.config/dlkit'],
    ['state', 'XDG_STATE_HOME', '/h/.local/state/dlkit'],
    ['cache', 'XDG_CACHE_HOME', '/h/.cache/dlkit'],
  ] as const)('%s: $%s/dlkit, else its place under HOME, and a relative variable is ignored', (kind, variable, underHome) => {
    expect(xdgDir({ [variable]: '/x', HOME: '/h' }, kind)).toBe('/x/dlkit');
    expect(xdgDir({ HOME: '/h' }, kind)).toBe(underHome);
    expect(xdgDir({ [variable]: 'relative/x', HOME: '/h' }, kind)).toBe(underHome);
    expect(xdgDir({ [variable]: '', HOME: '/h' }, kind)).toBe(underHome);
    expect(xdgDir({}, kind)).toBeUndefined();
  });
});
