/**
 * Z85 (ZeroMQ RFC 32) text encoding of binary keys: ZAP requests carry CURVE keys as 32 raw bytes,
 * while keys are configured as 40-character Z85 text.
 *
 * @packageDocumentation
 */

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const DIGIT = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Encodes bytes (length a multiple of 4) as Z85 text. */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.byteLength % 4 !== 0) throw new RangeError(`z85: byte length ${bytes.byteLength} is not a multiple of 4`);
  let out = '';
  for (let i = 0; i < bytes.byteLength; i += 4) {
    let v = (((bytes[i] as number) << 24) | ((bytes[i + 1] as number) << 16) | ((bytes[i + 2] as number) << 8) | (bytes[i + 3] as number)) >>> 0;
    let chunk = '';
    for (let j = 0; j < 5; j++) {
      chunk = (ALPHABET[v % 85] as string) + chunk;
      v = Math.floor(v / 85);
    }
    out += chunk;
  }
  return out;
}

/** Decodes Z85 text (length a multiple of 5); undefined when it is not valid Z85. */
export function z85Decode(text: string): Uint8Array | undefined {
  if (text.length % 5 !== 0) return undefined;
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0; i < text.length; i += 5) {
    let v = 0;
    for (let j = 0; j < 5; j++) {
      const d = DIGIT.get(text[i + j] as string);
      if (d === undefined) return undefined;
      v = v * 85 + d;
    }
    if (v > 0xffff_ffff) return undefined;
    const o = (i / 5) * 4;
    out[o] = v >>> 24;
    out[o + 1] = (v >>> 16) & 0xff;
    out[o + 2] = (v >>> 8) & 0xff;
    out[o + 3] = v & 0xff;
  }
  return out;
}

/** Whether `key` is a 40-character Z85 CURVE key (32 bytes). */
export function isZ85Key(key: unknown): key is string {
  return typeof key === 'string' && key.length === 40 && z85Decode(key) !== undefined;
}
