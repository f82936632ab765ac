"""The generic engine layer: BPMN back-office use cases that know no consortium (docs/ARCHITECTURE.md)."""
