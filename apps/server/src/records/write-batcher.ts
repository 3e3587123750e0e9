interface Waiting<I, O> {
  item: I
  resolve: (value: O) => void
  reject: (error: unknown) => void
}

interface Lane<I, O> {
  inFlight: number
  queue: Waiting<I, O>[]
  runBatch: (items: I[]) => Promise<O[]>
  runOne: (item: I) => Promise<O>
}

/**
 * Group commit for concurrent writes of one shape (same table, same columns). While `maxInFlight`
 * statements of a lane are running, further writes queue; when one finishes, everything queued goes as
 * one multi-row statement. A lone write is never delayed (nothing is in flight, so it goes at once); under
 * load, PostgreSQL parses, plans, journals and commits once per batch instead of once per row, which is
 * where most of a single-row insert's cost lies.
 *
 * A batch is one statement, so one bad row (a unique value already taken) fails it whole: the batch is
 * then retried row by row, and each caller gets its own row's result or error, exactly as unbatched.
 */
export class WriteBatcher<I, O> {
  private readonly lanes = new Map<string, Lane<I, O>>()

  constructor(
    private readonly maxInFlight = 2,
    private readonly maxBatch = 200,
  ) {}

  submit(
    key: string,
    item: I,
    runBatch: (items: I[]) => Promise<O[]>,
    runOne: (item: I) => Promise<O>,
  ): Promise<O> {
    let lane = this.lanes.get(key)
    if (!lane) {
      lane = { inFlight: 0, queue: [], runBatch, runOne }
      this.lanes.set(key, lane)
    }
    const promise = new Promise<O>((resolve, reject) => lane.queue.push({ item, resolve, reject }))
    this.pump(key, lane)
    return promise
  }

  private pump(key: string, lane: Lane<I, O>): void {
    while (lane.inFlight < this.maxInFlight && lane.queue.length) {
      const batch = lane.queue.splice(0, this.maxBatch)
      lane.inFlight++
      void this.execute(lane, batch).finally(() => {
        lane.inFlight--
        if (lane.queue.length) this.pump(key, lane)
        else if (lane.inFlight === 0) this.lanes.delete(key)
      })
    }
  }

  private async execute(lane: Lane<I, O>, batch: Waiting<I, O>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const results = await lane.runBatch(batch.map((w) => w.item))
        batch.forEach((w, i) => w.resolve(results[i]!))
        return
      } catch {
        // Fall through: each row alone, so each caller sees its own outcome.
      }
    }
    await Promise.all(
      batch.map((w) =>
        lane.runOne(w.item).then(
          (value) => w.resolve(value),
          (error: unknown) => w.reject(error),
        ),
      ),
    )
  }
}
