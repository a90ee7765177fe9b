const MiB = 1024 * 1024;

export type SpeedColor = 'red' | 'yellow' | 'green' | 'blue';

/**
 * How fast is fast for a drive, as a colour: red below 10 MiB/s (slower than an SD
 * "class 10" card promises), yellow below 30 MiB/s (a U3/V30 card's minimum), green
 * below 100 MiB/s, blue from there on (SSD territory).
 */
export const SPEED_CLASSES: readonly { below: number; color: SpeedColor }[] = [
  { below: 10 * MiB, color: 'red' },
  { below: 30 * MiB, color: 'yellow' },
  { below: 100 * MiB, color: 'green' },
  { below: Infinity, color: 'blue' },
];

export const speedColor = (bytesPerSecond: number): SpeedColor =>
  SPEED_CLASSES.find((c) => bytesPerSecond < c.below)!.color;

const SGR: Record<SpeedColor, string> = { red: '\x1b[31m', yellow: '\x1b[33m', green: '\x1b[32m', blue: '\x1b[34m' };

/** `text` in the colour of `bytesPerSecond`, or as is without colour. */
export const paintSpeed = (text: string, bytesPerSecond: number, color: boolean): string =>
  color ? `${SGR[speedColor(bytesPerSecond)]}${text}\x1b[0m` : text;
