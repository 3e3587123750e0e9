/**
 * The background loop of a running server's pollers (rule worker, message dispatcher, webhook dispatcher):
 * run a round; when it found work, run the next at once; when idle, sleep `pollMs` (cut short by `stop`).
 * Rounds never overlap, and `stop` waits for the round in progress to finish, so a graceful shutdown leaves
 * no claim half-recorded.
 */
export class PollLoop {
  private running = false
  private loop: Promise<void> | undefined
  private wake: (() => void) | undefined

  constructor(
    /** One round; resolves to whether it did any work. */
    private readonly round: () => Promise<boolean>,
    private readonly pollMs: number,
  ) {}

  start(onError: (error: unknown) => void = () => {}): void {
    if (this.running) return
    this.running = true
    this.loop = (async () => {
      while (this.running) {
        let busy = false
        try {
          busy = await this.round()
        } catch (error) {
          onError(error)
        }
        if (!busy && this.running)
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.pollMs)
            this.wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
      }
    })()
  }

  async stop(): Promise<void> {
    this.running = false
    this.wake?.()
    await this.loop
  }
}
