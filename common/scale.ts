// Scaling integer registers and OIDs to units: 19516 tenths of a kWh are 1951.6 kWh, not 1951.6000000000001.
/** raw * scale + offset, rounded to 15 significant digits when scaling could leave binary noise. */
export function scaled(raw: number, scale = 1, offset = 0): number {
  if (scale === 1 && offset === 0) return raw;
  const v = raw * scale + offset;
  return v === 0 ? 0 : Number(v.toPrecision(15));
}
