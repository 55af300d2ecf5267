"""Site-wide plumbing with no models: page cache, freshness, throttling, navigation,
error pages and health checks, page metadata, the reader's cookies, shared mixins.

Both apps import core; core imports neither."""
