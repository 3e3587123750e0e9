/** All automation time comes from here, so tests and template scenarios can move time. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private ms: number

  constructor(start: Date | string = '2025-01-01T00:00:00Z') {
    this.ms = new Date(start).getTime()
  }

  now(): Date {
    return new Date(this.ms)
  }

  set(at: Date | string): void {
    this.ms = new Date(at).getTime()
  }

  advance(by: { days?: number; hours?: number; minutes?: number; seconds?: number }): Date {
    this.ms +=
      (((by.days ?? 0) * 24 + (by.hours ?? 0)) * 60 + (by.minutes ?? 0)) * 60_000 + (by.seconds ?? 0) * 1000
    return this.now()
  }
}
