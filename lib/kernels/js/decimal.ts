/**
 * Correctly rounded decimal-to-double conversion for mantissas of 16 to 19 digits with a power of ten
 * |e10| <= 22: the usual output of `%.17g` / `%.18e` for data of moderate magnitude, where Clinger's fast
 * path does not apply because the mantissa exceeds 2^53.
 *
 * The mantissa W < 10^19 is held exactly as a double-double and P = 10^|e10| is an exact double, so the
 * value X = W * P or W / P is v + R with a double v near X and a residual R computed with a known error
 * bound through Dekker's exact two-product (JS has no FMA). Rounding is monotone, so when v + (R - bound)
 * and v + (R + bound) round to the same double, that double is the correctly rounded X; otherwise X is
 * (too close to) halfway between two doubles, and the caller's exact fallback decides.
 *
 * @packageDocumentation
 */

/** 2^27 + 1: Dekker's splitting constant for doubles. */
const SPLIT = 134217729;
/** Relative bound on the rounding of a sum of three exact terms (2^-52 at most), with a margin of 4. */
const SUM_BOUND = 2 ** -50;
const POW10 = new Float64Array(23).map((_, i) => 10 ** i);

/** Error of the product a * b = p, exactly (Dekker). Valid far from overflow and underflow. */
function twoProductError(a: number, b: number, p: number): number {
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * The double nearest to W * 10^e10 where W = hi * scale + lo < 2^64 (hi, lo integers below 2^53, scale a
 * power of ten with lo < scale, hi >= 1) and |e10| <= 22, or NaN when it is too close to halfway between
 * two doubles to be decided here.
 */
export function decimalToDouble(hi: number, lo: number, scale: number, e10: number): number {
  // W = wh + wl exactly: hi * scale = ph + pl and ph + lo = wh + e1 exactly (ph >= lo), and pl + e1 is an
  // integer of at most 2^11 in magnitude because W < 2^64, hence exact.
  const ph = hi * scale;
  const pl = twoProductError(hi, scale, ph);
  const wh = ph + lo;
  const wl = pl + (lo - (wh - ph));
  if (e10 >= 0) {
    // X = W P = a1 + a2 + b1 + b2 exactly; the residual X - a1 is the sum of the last three.
    const p = POW10[e10]!;
    const a1 = wh * p;
    const a2 = twoProductError(wh, p, a1);
    const b1 = wl * p;
    const b2 = twoProductError(wl, p, b1);
    const r = a2 + b1 + b2;
    const bound = SUM_BOUND * (Math.abs(a2) + Math.abs(b1) + Math.abs(b2));
    const low = a1 + (r - bound);
    return low === a1 + (r + bound) ? low : NaN;
  }
  // X = W / P = v + (W - v P) / P with v = fl(wh / P); W - v P = (wh - c1) + wl - c2 where c1 + c2 = v P
  // exactly and wh - c1 is exact (Sterbenz: c1 is within an ulp or two of wh).
  const p = POW10[-e10]!;
  const v = wh / p;
  const c1 = v * p;
  const c2 = twoProductError(v, p, c1);
  const t = wh - c1;
  const r = t + wl - c2;
  // Twice the bound also covers the rounding of the divisions by P.
  const bound = 2 * SUM_BOUND * (Math.abs(t) + Math.abs(wl) + Math.abs(c2));
  const low = v + (r - bound) / p;
  return low === v + (r + bound) / p ? low : NaN;
}
