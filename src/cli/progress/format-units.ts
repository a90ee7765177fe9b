const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

const digits = (v: number, unit: number): number => (unit === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2);

/** Bytes in IEC units, 3 significant figures at most: "512 B", "1.50 KiB", "12.3 MiB", "123 GiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '--';
  let v = n;
  let i = 0;
  // Step up on the value as shown, so rounding never prints "1024 KiB".
  while (i < IEC.length - 1 && Number(v.toFixed(digits(v, i))) >= 1024) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(digits(v, i))} ${IEC[i]}`;
}

/** Bytes per second, "--" while unknown. */
export const formatRate = (bytesPerSecond: number | undefined): string =>
  bytesPerSecond === undefined ? '--/s' : `${formatBytes(bytesPerSecond)}/s`;

/** A duration in whole seconds: "45s", "1m05s", "2h03m", "3d04h"; "--" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  const two = (n: number): string => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${two(Math.floor(s / 3600) % 24)}h`;
}
