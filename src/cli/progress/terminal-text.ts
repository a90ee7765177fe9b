/**
 * Text from events (file names, URLs, server messages) may hold control characters; on a
 * terminal they could move the cursor or recolour it, so each becomes '?'.
 */
export const sanitize = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

/** Cuts s to at most `width` characters, ending with an ellipsis when cut. */
export function truncate(s: string, width: number): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  if (width <= 0) return '';
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Width in characters (code points); wide CJK characters count as one. */
export const textWidth = (s: string): number => [...s].length;
