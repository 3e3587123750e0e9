// Which Chromium the browser tests and the browser benches drive, and how (no test runner imported here: the
// benches in bench/ load this file too).

/** Debian's Chromium (`apt-get install chromium`, done by .ci/run); never a browser downloaded by playwright. */
export const CHROMIUM = process.env.TRELLIS_CHROMIUM ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
