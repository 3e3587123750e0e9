// Public API of @trellis/report-engine. Filled in by its issue; see docs/architecture.md.
export {}
