/** True when any component of the name is `..` (with `/` or `\` as separator). */
export function hasDotDot(name: string): boolean {
  return name.split(/[/\\]/).includes('..');
}
