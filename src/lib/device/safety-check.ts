import { DlError, ExitCode } from '../errors/dl-error.js';
import { describeDrive, formatSize, type Drive } from './drive.js';

/**
 * The refusals that protect a user from writing the wrong drive. Each is exit 77 with the
 * reason; the first that applies is reported, in this order (most dangerous first):
 * system drive and the source's own drive refuse whatever the flags; then read-only, too
 * small, mounted (unless --unmount) and non-removable (unless --force).
 */
export interface SafetyInput {
  target: Drive;
  /** Drive path → why it runs the system (findSystemDrives). */
  systemDrives: ReadonlyMap<string, string>;
  /** Paths of the drives the source's bytes are read from. */
  sourceDrives: ReadonlySet<string>;
  /** Bytes that will be written up to (image size, or the bmap's image size); null: unknown. */
  imageSize: number | null;
  force: boolean;
  unmount: boolean;
}

export interface Refusal {
  code: `DL_ERR_${string}`;
  reason: string;
  hint: string;
}

export function refusalsFor(x: SafetyInput): Refusal[] {
  const t = x.target;
  const system = x.systemDrives.get(t.path);
  const mounted = t.mountpoints.filter((m) => m !== '');
  const checks: [boolean, Refusal][] = [
    [system !== undefined, { code: 'DL_ERR_SYSTEM_DRIVE', reason: `it is the system drive: ${system ?? ''}`, hint: 'choose another drive; dl-flash --list shows them' }],
    [x.sourceDrives.has(t.path), { code: 'DL_ERR_SOURCE_DRIVE', reason: 'it holds the source image', hint: 'copy the image to another drive first' }],
    [t.readOnly, { code: 'DL_ERR_READ_ONLY', reason: 'it is read-only', hint: 'check the write-protect switch of the card or adapter' }],
    [x.imageSize !== null && x.imageSize > t.size, { code: 'DL_ERR_TOO_SMALL', reason: `it is too small: ${formatSize(t.size)} for an image of ${formatSize(x.imageSize ?? 0)}`, hint: 'use a larger drive' }],
    [mounted.length > 0 && !x.unmount, { code: 'DL_ERR_MOUNTED', reason: `it is mounted (${mounted.join(', ')})`, hint: 'unmount it, or add --unmount' }],
    [!t.removable && !x.force, { code: 'DL_ERR_NOT_REMOVABLE', reason: 'it is not a removable drive', hint: 'add --force if this really is the drive to overwrite' }],
  ];
  return checks.filter(([applies]) => applies).map(([, r]) => r);
}

/** Throws the first refusal as a DlError (exit 77); no byte has been written by then. */
export function assertSafeTarget(x: SafetyInput): void {
  const [first] = refusalsFor(x);
  if (first) throw refusalError(x.target, first);
}

export function refusalError(target: Drive, r: Refusal): DlError {
  return new DlError(`refusing to write ${describeDrive(target)}: ${r.reason}`, {
    code: r.code,
    exitCode: ExitCode.REFUSED,
    hint: r.hint,
    details: { device: target.path },
  });
}
