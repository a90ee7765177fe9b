import type { CompletionShell } from './common-options.js';

/**
 * The script `<tool> --completion bash|zsh` prints. Both ask the command itself for
 * candidates (`<tool> --get-yargs-completions <words…>`, answered by yargs), so the
 * list never drifts from the options. Modelled on yargs's templates, which pick the
 * shell from $SHELL; here the user names it.
 */
export function completionScript(tool: string, shell: CompletionShell): string {
  const fn = `_${tool.replace(/[^A-Za-z0-9_]/g, '_')}_completions`;
  return (shell === 'zsh' ? zsh : bash)(tool, fn);
}

// bash also splits words at ':' (COMP_WORDBREAKS), which cuts HOST:PORT/REPO:TAG and
// oci:DIR apart: the command gets the line split at blanks, and bash, which replaces only
// the current piece after its last ':', gets the candidates without what precedes it.
// A directory candidate (ending in '/') gets no space after it, so one can go on typing.
const bash = (tool: string, fn: string): string => `# bash completion for ${tool}; use: source <(${tool} --completion bash)
${fn}() {
  local line="\${COMP_LINE:0:COMP_POINT}" cur="\${COMP_WORDS[COMP_CWORD]}" args words w
  read -ra args <<< "$line"
  [[ $line == *[[:blank:]] ]] && args+=("")
  local typed="\${args[-1]}"
  mapfile -t words < <(${tool} --get-yargs-completions "\${args[@]}" 2>/dev/null)
  COMPREPLY=()
  for w in "\${words[@]}"; do
    [[ $w == "$typed"* ]] && COMPREPLY+=("\${w:\${#typed}-\${#cur}}")
  done
  [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == */ ]] && compopt -o nospace
}
complete -o bashdefault -o default -F ${fn} ${tool}
`;

// ZSH_NAME makes yargs answer "option:description" pairs for _describe.
const zsh = (tool: string, fn: string): string => `#compdef ${tool}
# zsh completion for ${tool}; use: source <(${tool} --completion zsh), or save as _${tool} in $fpath
${fn}() {
  local -a reply
  reply=("\${(@f)$(ZSH_NAME=zsh ${tool} --get-yargs-completions "\${(@)words[1,CURRENT]}" 2>/dev/null)}")
  if (( \${#reply[@]} )) && [[ -n "\${reply[1]}" ]]; then
    _describe 'values' reply
  else
    _default
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${tool}
fi
`;
