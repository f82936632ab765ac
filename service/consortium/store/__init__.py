"""The consortium domain's tables and named queries."""
