/**
 * Nesting deeper than this is refused before compiling. Real conditions stay under ~20 levels;
 * the cap keeps the recursive compilers and the compiled closures far from the stack limit.
 */
export const MAX_DEPTH = 100
