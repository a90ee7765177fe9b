/**
 * The file name a `Content-Disposition` header proposes, undecoded of any safety: pass it
 * through safeFileName. `filename*` (RFC 5987/8187, percent-encoded UTF-8) wins over
 * `filename`, as RFC 6266 says.
 */
export function dispositionFileName(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(value);
  if (star) {
    const decoded = decodeExtValue(star[1] ?? '', star[2]!.trim());
    if (decoded !== undefined) return decoded;
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(value);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1');
  const token = /filename\s*=\s*([^;\s]+)/i.exec(value);
  return token ? token[1] : undefined;
}

function decodeExtValue(charset: string, encoded: string): string | undefined {
  try {
    if (/^iso-8859-1$/i.test(charset)) {
      return Buffer.from(encoded.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString();
    }
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
