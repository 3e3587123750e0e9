import { ok } from './field-type.js'

/** Shared by computed types: input is refused before normalize is reached, stored values pass through. */
export const passThrough = (value: unknown) => ok(value)
