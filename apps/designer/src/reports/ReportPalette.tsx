import { useDraggable } from '@dnd-kit/core'
import { useTranslation } from 'react-i18next'
import { textOf } from '../charts/format'
import type { DroppedField, Zone } from './state/builder-reducer'
import type { PaletteField } from './state/palette-fields'
import styles from './reports.module.css'

const USE_GLYPHS = { number: '#', date: '◷', text: 'Aa', boolean: '✓' } as const

/** What a drag from the palette carries. */
export interface PaletteDrag {
  kind: 'field'
  field: DroppedField
}

function PaletteItem({
  field,
  label,
  onAdd,
}: {
  field: DroppedField
  label: string
  onAdd: (zone: Zone) => void
}) {
  const { t } = useTranslation()
  const { setNodeRef, listeners, attributes, isDragging } = useDraggable({
    id: `field:${field.ref || '*'}`,
    data: { kind: 'field', field } satisfies PaletteDrag,
  })
  return (
    <li>
      <button
        ref={setNodeRef}
        type="button"
        className={styles.paletteItem}
        data-dragging={isDragging || undefined}
        data-palette-field={field.ref || '*'}
        title={t('reports.palette.addHint')}
        {...attributes}
        {...listeners}
        // A click adds where the field is most often wanted: numbers as measures, the rest as rows.
        onClick={() => onAdd(field.use === 'number' || !field.ref ? 'measures' : 'rows')}
      >
        <span className={styles.glyph} aria-hidden="true">
          {USE_GLYPHS[field.use]}
        </span>
        <span className={styles.ellipsis}>{label}</span>
      </button>
    </li>
  )
}

/** The source form's fields, then each relation's target fields under the relation's name. */
export function ReportPalette({
  fields,
  onAdd,
}: {
  fields: readonly PaletteField[]
  onAdd: (field: DroppedField, zone: Zone) => void
}) {
  const { t, i18n } = useTranslation()
  const groups = new Map<string, { label: string; fields: PaletteField[] }>()
  for (const field of fields) {
    const key = field.via?.key ?? ''
    const label = field.via ? textOf(field.via.label, i18n.language) : t('reports.palette.own')
    const group = groups.get(key) ?? { label, fields: [] }
    group.fields.push(field)
    groups.set(key, group)
  }
  const records: DroppedField = { ref: '', use: 'number' }
  return (
    <section className={styles.palette} aria-label={t('reports.palette.heading')}>
      <h2 className={styles.sectionTitle}>{t('reports.palette.heading')}</h2>
      <p className={styles.hint}>{t('reports.palette.hint')}</p>
      <ul className={styles.paletteList}>
        <PaletteItem
          field={records}
          label={t('reports.palette.records')}
          onAdd={(zone) => onAdd(records, zone)}
        />
      </ul>
      {[...groups.entries()].map(([key, group]) => (
        <div key={key || 'own'} className={styles.paletteGroup}>
          <h3 className={styles.groupTitle}>{group.label}</h3>
          <ul className={styles.paletteList}>
            {group.fields.map((f) => (
              <PaletteItem
                key={f.ref}
                field={{ ref: f.ref, use: f.use }}
                label={textOf(f.label, i18n.language) || f.ref}
                onAdd={(zone) => onAdd({ ref: f.ref, use: f.use }, zone)}
              />
            ))}
          </ul>
        </div>
      ))}
    </section>
  )
}
