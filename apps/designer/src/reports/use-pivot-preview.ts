import type { PivotGrid, PivotSpec } from '@trellis/report-engine'
import { useEffect, useState } from 'react'
import { ApiError } from '../api/client'
import { reportsApi, type Locale } from '../api/reports'

export interface PivotPreview {
  grid: PivotGrid | null
  /** The spec the grid was computed for (drill-downs must use the same). */
  spec: PivotSpec | null
  error: string | null
  loading: boolean
  /** The source form's summary the server answered from, instead of every record. */
  summary?: string
}

/**
 * The server's answer for the spec as it stands: asked a moment after the last edit (a drag is several
 * state changes), and an answer that arrives after a newer question is dropped.
 */
export function usePivotPreview(appKey: string, spec: PivotSpec | null, locale: Locale): PivotPreview {
  const [preview, setPreview] = useState<PivotPreview>({
    grid: null,
    spec: null,
    error: null,
    loading: false,
  })
  const key = spec ? JSON.stringify(spec) : ''
  useEffect(() => {
    if (!spec) {
      setPreview({ grid: null, spec: null, error: null, loading: false })
      return
    }
    let current = true
    setPreview((p) => ({ ...p, loading: true }))
    const timer = setTimeout(() => {
      reportsApi.pivot(appKey, spec, locale).then(
        ({ grid, summary }) =>
          current && setPreview({ grid, spec, error: null, loading: false, ...(summary ? { summary } : {}) }),
        (error: unknown) =>
          current &&
          setPreview({
            grid: null,
            spec,
            error: error instanceof ApiError ? error.message : String(error),
            loading: false,
          }),
      )
    }, 250)
    return () => {
      current = false
      clearTimeout(timer)
    }
    // The spec is compared by content: a new object with the same content asks nothing.
  }, [appKey, key, locale])
  return preview
}
