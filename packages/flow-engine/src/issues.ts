// Problems found in a definition or an import. `code` is stable (the designer translates it),
// `path` points into the definition (`nodes.approve_1`, `edges.e3.condition`).

export type Severity = 'error' | 'warning'

export interface FlowIssue {
  code: string
  severity: Severity
  message: string
  path: string
  nodeId?: string
  edgeId?: string
}

/** Thrown only for misuse by the host (a state from another definition); event problems are returned. */
export class FlowError extends Error {
  readonly code: string
  readonly path: string

  constructor(code: string, message: string, path = '') {
    super(message)
    this.name = 'FlowError'
    this.code = code
    this.path = path
  }
}

export const nodePath = (nodeId: string, rest?: string): string =>
  rest ? `nodes.${nodeId}.${rest}` : `nodes.${nodeId}`

export const edgePath = (edgeId: string, rest?: string): string =>
  rest ? `edges.${edgeId}.${rest}` : `edges.${edgeId}`
