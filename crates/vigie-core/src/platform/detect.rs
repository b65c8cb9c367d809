//! Platform detection (stub: being written)
