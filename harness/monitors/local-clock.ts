// sysstat prints a date once and HH:MM:SS per interval, in the machine's local time zone.
// This turns them into ISO instants, rolling over midnight when the time of day goes backwards.
export class LocalClock {
  private day: Date | null;
  private lastSeconds = -1;

  constructor(date: string | undefined) {
    this.day = parseDay(date);
  }

  // ISO time of an `HH:MM:SS` (optionally ` AM`/` PM`) stamp, or null when it cannot be placed.
  at(stamp: string | undefined): string | null {
    const m = /^(\d{1,2}):(\d{2}):(\d{2})(?:\s*([AP]M))?$/i.exec(stamp?.trim() ?? '');
    if (!this.day || !m) return null;
    let hours = Number(m[1]) % (m[4] ? 12 : 24);
    if (m[4]?.toUpperCase() === 'PM') hours += 12;
    const seconds = hours * 3600 + Number(m[2]) * 60 + Number(m[3]);
    if (seconds < this.lastSeconds) this.day = new Date(this.day.getFullYear(), this.day.getMonth(), this.day.getDate() + 1);
    this.lastSeconds = seconds;
    const d = new Date(this.day.getFullYear(), this.day.getMonth(), this.day.getDate(), hours, Number(m[2]), Number(m[3]));
    return d.toISOString();
  }
}

// `2026-11-29` (S_TIME_FORMAT=ISO) or `11/29/2026`, `11/29/26` (LC_ALL=C without it), as local midnight.
function parseDay(date: string | undefined): Date | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? '');
  if (iso) return new Date(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]));
  const us = /^(\d{2})\/(\d{2})\/(\d{2}|\d{4})$/.exec(date ?? '');
  if (us) return new Date(us[3]!.length === 2 ? 2000 + Number(us[3]) : Number(us[3]), Number(us[1]) - 1, Number(us[2]));
  return null;
}
