//! `prog dump xlated|jited`: in progress.
