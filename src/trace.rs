//! `prog tracelog`, `prog stats`: in progress.
