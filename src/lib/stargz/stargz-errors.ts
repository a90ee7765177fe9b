import { DlError, ExitCode, integrityError } from '../errors/dl-error.js';

/** A layer without a stargz or zstd:chunked footer: an ordinary layer, not built for lazy pulling. */
export function notStargzError(label: string, tail: Buffer): DlError {
  const looksGzip = tail.length === 0 ? '' : ' (an ordinary tar+gzip or tar+zstd layer?)';
  return new DlError(`layer ${label} is not eStargz: it ends without a stargz footer${looksGzip}`, {
    code: 'DL_ERR_NOT_ESTARGZ',
    exitCode: ExitCode.INTEGRITY,
    hint: 'use an image converted for lazy pulling (nerdctl image convert --estargz --oci, ctr-remote image optimize), or pull the layer whole',
    details: { layer: label },
  });
}

/** A TOC that cannot be trusted: refused before any of it is used. */
export function badTocError(label: string, why: string, details: Record<string, unknown> = {}): DlError {
  return new DlError(`layer ${label}: refusing its table of contents: ${why}`, {
    code: 'DL_ERR_BAD_TOC',
    exitCode: ExitCode.INTEGRITY,
    hint: 'the layer is damaged or was built to attack readers; do not use it',
    details: { layer: label, ...details },
  });
}

/** A digest the TOC or the manifest promised, not met by the bytes read. */
export function digestMismatchError(what: string, expected: string, actual: string, details: Record<string, unknown> = {}): DlError {
  return integrityError(
    `${what}: digest mismatch: expected ${expected}, got ${actual}`,
    { expected, actual, ...details },
    'the registry served corrupt bytes or the image was tampered with; try again, then report it to the image owner',
  );
}
