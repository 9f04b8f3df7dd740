//! placeholder
use std::io::{self, Write};
impl super::Btf {
    pub fn dump_c(&self, _w: &mut dyn Write, _roots: &[u32]) -> io::Result<()> { Ok(()) }
}
