import { spawnSync } from 'node:child_process';

export interface BashCompletion {
  /** COMPREPLY: what bash would put in place of the current word. */
  reply: string[];
  /** What the function printed on stderr: `complete -p` of the tool, and compopt calls. */
  stderr: string;
}

const quote = (w: string): string => `'${w.replace(/'/g, `'\\''`)}'`;

/**
 * COMP_WORDS as bash makes them from `line`: split at blanks, then at the COMP_WORDBREAKS
 * characters ':' and '=', each of which becomes a word of its own.
 */
export function bashWords(line: string): string[] {
  const words = line.split(/[ \t]+/).filter(Boolean).flatMap((w) => w.split(/([:=])/).filter(Boolean));
  return /[ \t]$/.test(line) ? [...words, ''] : words;
}

/**
 * Sources `<tool> --completion bash` in a real bash (with `dir` first in PATH) and calls
 * its function as bash's programmable completion would, the cursor at the end of `line`.
 * compopt refuses to run outside a real completion, so a stand-in records its calls.
 */
export function bashComplete(tool: string, dir: string, line: string): BashCompletion {
  const fn = `_${tool.replace(/[^A-Za-z0-9_]/g, '_')}_completions`;
  const words = bashWords(line);
  const script = [
    `source <(${tool} --completion bash)`,
    'compopt() { echo "compopt $*" >&2; }',
    `COMP_WORDS=(${words.map(quote).join(' ')})`,
    'COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))',
    `COMP_LINE=${quote(line)}`,
    'COMP_POINT=${#COMP_LINE}',
    fn,
    `complete -p ${tool} >&2`,
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
  return { reply: r.stdout.split('\n').filter(Boolean), stderr: r.stderr };
}
