//! `prog run`: in progress.
