// Namespaces and languages the BPMN mapping relies on.
export const BPMN_MODEL = 'http://www.omg.org/spec/BPMN/20100524/MODEL'
export const BPMN_DI = 'http://www.omg.org/spec/BPMN/20100524/DI'
export const DD_DC = 'http://www.omg.org/spec/DD/20100524/DC'
export const DD_DI = 'http://www.omg.org/spec/DD/20100524/DI'
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance'
/** Our extension namespace: `<trellis:config>` holds a node's config as JSON, so our own export round-trips. */
export const TRELLIS = 'urn:trellis:bpmn:1'
/** The `language` of a JsonLogic `conditionExpression`. */
export const JSONLOGIC_LANGUAGE = 'urn:trellis:jsonlogic'

export const isJsonLogicLanguage = (language: string | undefined): boolean =>
  language !== undefined && /jsonlogic/i.test(language)
