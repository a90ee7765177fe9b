/**
 * Names what uncompressed input looks like, for the error that refuses it without -f:
 * "input is not compressed (it looks like an ELF executable)".
 */
const SIGNATURES: ReadonlyArray<[string, number[]]> = [
  ['an ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['a 7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['an lz4 frame', [0x04, 0x22, 0x4d, 0x18]],
  ['an LZMA-alone (.lzma) file', [0x5d, 0x00, 0x00]],
  ['a qcow2 disk image', [0x51, 0x46, 0x49, 0xfb]],
  ['a squashfs image', [0x68, 0x73, 0x71, 0x73]],
];

const isMbr = (b: Buffer): boolean => b.length >= 512 && b[510] === 0x55 && b[511] === 0xaa;

/** Printable ASCII or UTF-8 text without NUL bytes. */
function looksLikeText(b: Buffer): boolean {
  if (b.length === 0 || b.includes(0)) return false;
  const text = b.toString('utf8');
  const bad = [...text].filter((c) => c === '\ufffd' || (c < ' ' && !'\n\r\t\f\b\x1b'.includes(c))).length;
  return bad <= text.length / 100;
}

export function describeContent(head: Buffer): string {
  if (head.length === 0) return 'empty input';
  for (const [name, magic] of SIGNATURES) {
    if (magic.every((x, i) => head[i] === x)) return name;
  }
  if (isMbr(head)) return 'a disk image (MBR boot signature)';
  if (head.subarray(0, 512).every((x) => x === 0)) return 'zeros (a raw image?)';
  if (looksLikeText(head)) return 'text';
  return 'unrecognised binary data';
}
