import { useCallback, useEffect, useRef, useState } from 'react'
import { recordsApi, type RecordJson } from '../../api/records'

export interface RowsState {
  rows: RecordJson[]
  count: number | null
  loading: boolean
  error: string | null
  hasMore: boolean
}

const PAGE = 200

/**
 * The table's rows, page by page with the list API's cursor: a new query (filter, sort, form) starts over;
 * `loadMore` appends the next page when the user scrolls near the end. A late answer to an old query is
 * dropped, so typing in the search never shows stale rows.
 */
export function useRecordRows(app: string, form: string, filter: unknown, sort: string, expand: string[]) {
  const [state, setState] = useState<RowsState>({
    rows: [],
    count: null,
    loading: true,
    error: null,
    hasMore: false,
  })
  const cursor = useRef<string | null>(null)
  const generation = useRef(0)
  const inFlight = useRef(false)
  const key = JSON.stringify([app, form, filter, sort, expand])

  const fetchPage = useCallback(
    async (first: boolean) => {
      const mine = first ? ++generation.current : generation.current
      if (!first && (inFlight.current || !cursor.current)) return
      inFlight.current = true
      setState((s) => ({ ...s, loading: true, error: null, ...(first ? { rows: [], count: null } : {}) }))
      try {
        const page = await recordsApi.list(app, form, {
          filter,
          sort,
          expand,
          limit: PAGE,
          cursor: first ? null : cursor.current,
          count: first,
        })
        if (mine !== generation.current) return
        cursor.current = page.nextCursor
        setState((s) => ({
          rows: first ? page.records : [...s.rows, ...page.records],
          count: page.count ?? s.count,
          loading: false,
          error: null,
          hasMore: page.nextCursor !== null,
        }))
      } catch (error) {
        if (mine === generation.current)
          setState((s) => ({ ...s, loading: false, error: (error as Error).message }))
      } finally {
        if (mine === generation.current) inFlight.current = false
      }
    },
    // The key stands for every input: arrays and filters compare by content, not identity.
    [key],
  )

  useEffect(() => {
    inFlight.current = false
    void fetchPage(true)
  }, [fetchPage])

  const loadMore = useCallback(() => void fetchPage(false), [fetchPage])
  const reload = useCallback(() => void fetchPage(true), [fetchPage])
  const replace = useCallback((record: RecordJson) => {
    setState((s) => ({
      ...s,
      rows: s.rows.map((row) =>
        row.id === record.id ? { ...record, expand: record.expand ?? row.expand } : row,
      ),
    }))
  }, [])
  const drop = useCallback((ids: string[]) => {
    const gone = new Set(ids)
    setState((s) => ({
      ...s,
      rows: s.rows.filter((row) => !gone.has(row.id)),
      count: s.count === null ? null : s.count - ids.length,
    }))
  }, [])

  return { ...state, loadMore, reload, replace, drop }
}
