import { useDraggable } from '@dnd-kit/core'
import { fieldTypes, type FieldType } from '@trellis/form-engine'
import { useTranslation } from 'react-i18next'
import { FIELD_GLYPHS } from './field-type-glyphs'
import styles from './forms.module.css'

export const paletteId = (type: FieldType) => `palette:${type}`

function PaletteItem({ type, onAdd }: { type: FieldType; onAdd: (type: FieldType) => void }) {
  const { t } = useTranslation()
  const { setNodeRef, listeners, attributes, isDragging } = useDraggable({
    id: paletteId(type),
    data: { source: 'palette', type },
  })
  return (
    <li>
      <button
        ref={setNodeRef}
        type="button"
        className={styles.paletteItem}
        data-dragging={isDragging || undefined}
        data-field-type={type}
        {...attributes}
        {...listeners}
        onClick={() => onAdd(type)}
      >
        <span className={styles.glyph} aria-hidden="true">
          {FIELD_GLYPHS[type]}
        </span>
        {t(`fieldType.${type}`)}
      </button>
    </li>
  )
}

/** Every type of the form engine's registry, in its order: a new type shows up here with no change. */
export function FieldPalette({ onAdd, disabled }: { onAdd: (type: FieldType) => void; disabled: boolean }) {
  const { t } = useTranslation()
  return (
    <section className={styles.palette} aria-label={t('palette.heading')} aria-disabled={disabled}>
      <h2 className={styles.sectionTitle}>{t('palette.heading')}</h2>
      <p className={styles.hint}>{t('palette.hint')}</p>
      <ul className={styles.paletteList}>
        {fieldTypes.map((module) => (
          <PaletteItem key={module.type} type={module.type} onAdd={onAdd} />
        ))}
      </ul>
    </section>
  )
}
