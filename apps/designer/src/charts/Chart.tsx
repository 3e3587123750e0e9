import { lazy, Suspense } from 'react'
import { useTranslation } from 'react-i18next'
import type { EChartProps } from './EChart'
import styles from './charts.module.css'

// echarts is large: it loads with the first chart shown, never with the page.
const EChart = lazy(() => import('./EChart'))

/** An echarts chart, loaded on demand; a placeholder of the same height while it loads. */
export function Chart(props: EChartProps) {
  const { t } = useTranslation()
  return (
    <Suspense
      fallback={
        <div className={styles.loading} style={{ height: props.height ?? 320 }}>
          {t('charts.loading')}
        </div>
      }
    >
      <EChart {...props} />
    </Suspense>
  )
}
