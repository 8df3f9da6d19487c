// Availability Zones: names come from --zones; ids (e.g. use1-az1) are derived from the region.

/** us-east-1 → use1, eu-west-2 → euw2, ap-southeast-1 → apse1. */
export function regionCode(region: string): string {
  const parts = region.split('-');
  const num = parts.pop() ?? '';
  const head = parts.shift() ?? '';
  const middle = parts
    .map((p) => ((p.startsWith('south') || p.startsWith('north')) && p.length > 5 ? p[0]! + p[5]! : p[0]!))
    .join('');
  return `${head}${middle}${num}`;
}

/** The zone id of a zone name: the letter's position (a → az1). */
export function zoneId(region: string, zoneName: string): string {
  const letter = zoneName.slice(region.length);
  return `${regionCode(region)}-az${letter.charCodeAt(0) - 96}`;
}
