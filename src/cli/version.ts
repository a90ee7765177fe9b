// Bundled at build time (tsup inlines the JSON), so --version reads no file.
import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

/** `--version` anywhere before `--`: answered before yargs is even loaded. */
export function wantsVersion(argv: readonly string[]): boolean {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  return argv.slice(0, end).includes('--version');
}
