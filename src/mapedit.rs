//! Map editing verbs (issue 5): in progress.
