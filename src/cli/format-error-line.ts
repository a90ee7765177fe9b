/**
 * The one line a command prints for a failure or a warning:
 * `dl-hash: <what failed and why> (<what to do next>)`. Multi-line messages (yargs's
 * "Invalid values:\n  Argument: …") are folded so a line is one diagnostic.
 */
export function formatErrorLine(tool: string, message: string, hint?: string): string {
  const text = fold(message);
  return hint ? `${tool}: ${text} (${fold(hint)})\n` : `${tool}: ${text}\n`;
}

const fold = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();
