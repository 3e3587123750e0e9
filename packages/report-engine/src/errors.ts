/** A spec the engine refuses: a stable `code` and the dotted `path` of the offending part of the spec. */
export class ReportError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path: string,
  ) {
    super(message)
    this.name = 'ReportError'
  }
}

export const fail = (code: string, message: string, path: string): never => {
  throw new ReportError(code, message, path)
}
