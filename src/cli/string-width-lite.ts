// Stands in for string-width inside the bundled yargs (tsup.config.ts alias): that package
// builds Unicode tables costing ~40 ms at every start, for --help layout only. Our help
// text is ASCII; wide characters count as one column here, which only affects alignment.
const ANSI = /\u001b\[[0-9;]*m/g;
export default function stringWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}
