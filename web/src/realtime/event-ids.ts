/** Event ids are decimal integers that may outgrow Number: compare them as BigInt. */
export function isNewerEventId(candidate: string, than: string | null): boolean {
  if (than === null) return true;
  try {
    return BigInt(candidate) > BigInt(than);
  } catch {
    return false;
  }
}

export function isEventId(value: string): boolean {
  return /^\d+$/.test(value);
}
