import { usageError } from '../errors/dl-error.js';

/** An image platform as OCI indexes describe it. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** `linux/arm64/v8` → { os, architecture, variant }. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, extra] = text.split('/');
  if (!os || !architecture || extra !== undefined || variant === '') {
    throw usageError(`--platform ${text}: expected OS/ARCH[/VARIANT]`, 'e.g. linux/amd64 or linux/arm64/v8');
  }
  return { os, architecture, ...(variant ? { variant } : {}) };
}

export const formatPlatform = (p: Platform): string => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** Node's os.arch() in OCI's words; images are linux unless asked otherwise. */
const NODE_ARCH: Record<string, Platform> = {
  x64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64' },
  arm: { os: 'linux', architecture: 'arm', variant: 'v7' },
  ia32: { os: 'linux', architecture: '386' },
  ppc64: { os: 'linux', architecture: 'ppc64le' },
  s390x: { os: 'linux', architecture: 's390x' },
  riscv64: { os: 'linux', architecture: 'riscv64' },
};

export function hostPlatform(nodeArch: string): Platform {
  return NODE_ARCH[nodeArch] ?? { os: 'linux', architecture: nodeArch };
}

/** arm64 images say v8 or nothing, and mean the same. */
const variantOf = (p: Platform): string | undefined => p.variant ?? (p.architecture === 'arm64' ? 'v8' : undefined);

/** Whether an index entry's platform serves `want` (a variant asked for must match). */
export function platformMatches(entry: Platform | undefined, want: Platform): boolean {
  if (!entry || entry.os !== want.os || entry.architecture !== want.architecture) return false;
  return want.variant === undefined || variantOf(entry) === variantOf(want);
}
