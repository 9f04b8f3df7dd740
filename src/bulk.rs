//! Bulk map writes (issue 6): in progress.
