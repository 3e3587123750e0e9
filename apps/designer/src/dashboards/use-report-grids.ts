import type { PivotGrid } from '@trellis/report-engine'
import { useEffect, useState } from 'react'
import { ApiError } from '../api/client'
import { reportsApi, type Locale, type SavedReport } from '../api/reports'

export type GridState = { grid: PivotGrid } | { error: string } | undefined

/** Each shown report's grid, asked once per report (widgets of the same report share it). */
export function useReportGrids(
  appKey: string,
  reports: readonly SavedReport[],
  ids: readonly string[],
  locale: Locale,
) {
  const [grids, setGrids] = useState<Record<string, GridState>>({})
  const wanted = [...new Set(ids)].sort().join(',')
  useEffect(() => {
    let current = true
    setGrids({})
    for (const id of wanted ? wanted.split(',') : []) {
      const report = reports.find((r) => r.id === id)
      if (!report) continue
      reportsApi.pivot(appKey, report.spec, locale).then(
        ({ grid }) => current && setGrids((g) => ({ ...g, [id]: { grid } })),
        (e: unknown) =>
          current &&
          setGrids((g) => ({ ...g, [id]: { error: e instanceof ApiError ? e.message : String(e) } })),
      )
    }
    return () => {
      current = false
    }
  }, [appKey, reports, wanted, locale])
  return grids
}
