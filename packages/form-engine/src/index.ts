// Public API of @trellis/form-engine. Filled in by its issue; see docs/architecture.md.
export {}
