"""The consortium domain: applications, registry, reviews, publicity, filings, supervision.

See docs/ARCHITECTURE.md."""
