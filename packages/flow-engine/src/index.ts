// Public API of @trellis/flow-engine. Filled in by its issue; see docs/architecture.md.
export {}
