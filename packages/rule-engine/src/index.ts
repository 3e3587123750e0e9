// Public API of @trellis/rule-engine. Filled in by its issue; see docs/architecture.md.
export {}
