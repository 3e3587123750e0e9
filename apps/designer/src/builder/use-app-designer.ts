import { useCallback, useEffect, useReducer, useState } from 'react'
import type { AppDefinition } from '@trellis/form-engine'
import { appsApi, type AppSummary } from '../api/apps'
import { designerReducer, initialDesignerState } from '../forms/state/designer-reducer'
import { placeIssues, type PlacedIssue } from '../forms/state/issues'
import { publishedFieldPaths } from './published-keys'

const EMPTY: AppDefinition = { key: '', name: {}, forms: [] }

export type LoadState = { state: 'loading' } | { state: 'ready' } | { state: 'error'; message: string }

/** One app in the builder: its summary, its draft under the designer reducer, saving and its issues. */
export function useAppDesigner(appKey: string) {
  const [designer, dispatch] = useReducer(designerReducer, EMPTY, (app) => initialDesignerState(app))
  const [summary, setSummary] = useState<AppSummary | undefined>()
  const [load, setLoad] = useState<LoadState>({ state: 'loading' })
  const [issues, setIssues] = useState<PlacedIssue[] | undefined>()
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<string | undefined>()

  useEffect(() => {
    let cancelled = false
    ;(async () => {
      const [info, draft] = await Promise.all([appsApi.summary(appKey), appsApi.draft(appKey)])
      let steps
      if (info.publishedVersion !== null)
        steps = await appsApi.plan(appKey).then(
          (plan) => plan.steps,
          () => undefined,
        )
      if (cancelled) return
      setSummary(info)
      dispatch({ type: 'load', app: draft, locked: publishedFieldPaths(draft, info.publishedVersion, steps) })
      setLoad({ state: 'ready' })
    })().catch((error: Error) => {
      if (!cancelled) setLoad({ state: 'error', message: error.message })
    })
    return () => {
      cancelled = true
    }
  }, [appKey])

  const app = designer.doc.present.app
  const save = useCallback(async (): Promise<boolean> => {
    setSaving(true)
    setSaveError(undefined)
    try {
      const result = await appsApi.saveDraft(appKey, app)
      dispatch({ type: 'saved', app })
      setIssues(placeIssues(app, result.issues))
      return result.issues.length === 0
    } catch (error) {
      setSaveError((error as Error).message)
      return false
    } finally {
      setSaving(false)
    }
  }, [app, appKey])

  const published = useCallback(
    (version: number) => {
      dispatch({ type: 'published', app })
      setSummary((current) => current && { ...current, publishedVersion: version })
    },
    [app],
  )

  return { designer, dispatch, summary, load, issues, setIssues, save, saving, saveError, published }
}
