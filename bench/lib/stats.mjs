// What every bench in bench/ reports its runs with.
import { loadavg } from 'node:os';

/** The middle of the runs (the upper middle for an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The 1, 5 and 15 minute load averages, as printed beside every result. */
export const loadAverage = () => loadavg().map((x) => x.toFixed(2)).join(' ');
