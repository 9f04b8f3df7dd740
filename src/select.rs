//! bpftool's word grammar: selectors (`id 5`, `pinned P`, `name N`, `tag T`,
//! a bare path) and DATA (`1 0 0 0`, `hex 01 00`, `json 5`). Pure: nothing
//! here touches the kernel, so every rule is unit-tested without root.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::error::UserError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgSel {
    Id(u32),
    Pinned(PathBuf),
    Name(String),
    Tag([u8; 8]),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapSel {
    Id(u32),
    Pinned(PathBuf),
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkSel {
    Id(u32),
    Pinned(PathBuf),
}

/// Bytes given on the command line, or a typed JSON form for BTF maps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    Bytes(Vec<u8>),
    Json(String),
}

/// BPF_ANY / BPF_NOEXIST / BPF_EXIST.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UpdateFlags {
    #[default]
    Any,
    NoExist,
    Exist,
}

impl UpdateFlags {
    pub fn bits(self) -> u64 {
        match self {
            UpdateFlags::Any => 0,
            UpdateFlags::NoExist => 1,
            UpdateFlags::Exist => 2,
        }
    }
}

/// A cursor over a verb's words, in the spirit of bpftool's NEXT_ARG/REQ_ARGS.
pub struct Words<'a> {
    words: &'a [String],
    pos: usize,
    /// What the words are for, for error messages ("prog show").
    verb: &'static str,
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let w = self.peek()?;
        self.pos += 1;
        Some(w)
    }
}

/// Words that end a DATA run: the next keyword of the same command.
const DATA_STOPS: &[&str] = &["value", "key", "any", "exist", "noexist"];

impl<'a> Words<'a> {
    pub fn new(verb: &'static str, words: &'a [String]) -> Self {
        Words { words, pos: 0, verb }
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.words.len()
    }

    pub fn peek(&self) -> Option<&'a str> {
        self.words.get(self.pos).map(String::as_str)
    }

    /// The next word, which must be there.
    pub fn require(&mut self, what: &str) -> Result<&'a str> {
        match self.next() {
            Some(w) => Ok(w),
            None => bail!(UserError::new(
                format!("`{}` expects {what} here, but the command ends", self.verb),
                format!("see `bpfpin {} --help`", self.verb),
            )),
        }
    }

    /// Consume `kw` if it is the next word.
    pub fn eat(&mut self, kw: &str) -> bool {
        if self.peek() == Some(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect_end(&self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(w) => bail!(UserError::new(
                format!("`{}` does not take `{w}` here", self.verb),
                format!("see `bpfpin {} --help`", self.verb),
            )),
        }
    }

    pub fn take_path(&mut self, what: &str) -> Result<PathBuf> {
        Ok(PathBuf::from(self.require(what)?))
    }

    pub fn take_u32(&mut self, what: &str) -> Result<u32> {
        let w = self.require(what)?;
        parse_u32(w).ok_or_else(|| {
            UserError::new(
                format!("{what} must be a number, got `{w}`"),
                "give a decimal or 0x-prefixed number".to_string(),
            )
            .into()
        })
    }

    fn take_id(&mut self, kind: &str) -> Result<u32> {
        let w = self.require(&format!("a {kind} id"))?;
        w.parse::<u32>().map_err(|_| {
            UserError::new(
                format!("{kind} id must be a decimal number, got `{w}`"),
                format!("list ids with `bpfpin {kind} show`"),
            )
            .into()
        })
    }

    pub fn take_prog(&mut self) -> Result<ProgSel> {
        let w = self.require("a program (id, pinned, name, tag or a path)")?;
        Ok(match w {
            "id" => ProgSel::Id(self.take_id("prog")?),
            "pinned" => ProgSel::Pinned(self.take_path("a pinned path")?),
            "name" => ProgSel::Name(self.require("a program name")?.to_string()),
            "tag" => ProgSel::Tag(parse_tag(self.require("a program tag")?)?),
            other => bare_path(other, "`id`, `pinned`, `name`, `tag` or a path").map(ProgSel::Pinned)?,
        })
    }

    pub fn take_map(&mut self) -> Result<MapSel> {
        let w = self.require("a map (id, pinned, name or a path)")?;
        Ok(match w {
            "id" => MapSel::Id(self.take_id("map")?),
            "pinned" => MapSel::Pinned(self.take_path("a pinned path")?),
            "name" => MapSel::Name(self.require("a map name")?.to_string()),
            other => bare_path(other, "`id`, `pinned`, `name` or a path").map(MapSel::Pinned)?,
        })
    }

    pub fn take_link(&mut self) -> Result<LinkSel> {
        let w = self.require("a link (id, pinned or a path)")?;
        Ok(match w {
            "id" => LinkSel::Id(self.take_id("link")?),
            "pinned" => LinkSel::Pinned(self.take_path("a pinned path")?),
            other => bare_path(other, "`id`, `pinned` or a path").map(LinkSel::Pinned)?,
        })
    }

    /// DATA after `key`/`value`: byte tokens up to the next keyword, `hex`
    /// then hex bytes, or `json` then one JSON word.
    pub fn take_data(&mut self, what: &str) -> Result<Data> {
        if self.eat("json") {
            return Ok(Data::Json(self.require("a JSON value")?.to_string()));
        }
        let hex = self.eat("hex");
        let mut bytes = Vec::new();
        while let Some(w) = self.peek() {
            if DATA_STOPS.contains(&w) {
                break;
            }
            self.pos += 1;
            if hex {
                parse_hex_token(w, &mut bytes, what)?;
            } else {
                bytes.push(parse_byte(w, what)?);
            }
        }
        if bytes.is_empty() {
            bail!(UserError::new(
                format!("{what} has no bytes"),
                format!("give the {what} as bytes, e.g. `{what} 1 0 0 0` or `{what} hex 01 00 00 00`"),
            ));
        }
        Ok(Data::Bytes(bytes))
    }

    pub fn take_update_flags(&mut self) -> UpdateFlags {
        if self.eat("noexist") {
            UpdateFlags::NoExist
        } else if self.eat("exist") {
            UpdateFlags::Exist
        } else {
            self.eat("any");
            UpdateFlags::Any
        }
    }
}

/// A bare word standing for `pinned PATH` must look like a path, so typos of
/// keywords (`idd 5`) get a clear error instead of ENOENT on a file `idd`.
fn bare_path(w: &str, expected: &str) -> Result<PathBuf> {
    if w.contains('/') {
        Ok(PathBuf::from(w))
    } else {
        bail!(UserError::new(
            format!("expected {expected}, got `{w}`"),
            "write `pinned PATH`, `id N` or `name NAME`".to_string(),
        ))
    }
}

fn parse_tag(w: &str) -> Result<[u8; 8]> {
    let clean: String = w.chars().filter(|c| *c != ':').collect();
    let mut tag = [0u8; 8];
    match hex::decode_to_slice(&clean, &mut tag) {
        Ok(()) => Ok(tag),
        Err(_) => bail!(UserError::new(
            format!("a program tag is 8 bytes of hex, got `{w}`"),
            "copy the tag from `bpfpin prog show`, e.g. `tag 0123456789abcdef`".to_string(),
        )),
    }
}

/// strtoul(.., 0) as bpftool uses it: decimal, 0x hex or leading-0 octal.
pub fn parse_u64(w: &str) -> Option<u64> {
    if let Some(h) = w.strip_prefix("0x").or_else(|| w.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if w.len() > 1 && w.starts_with('0') {
        u64::from_str_radix(&w[1..], 8).ok()
    } else {
        w.parse().ok()
    }
}

pub fn parse_u32(w: &str) -> Option<u32> {
    parse_u64(w).and_then(|v| u32::try_from(v).ok())
}

fn parse_byte(w: &str, what: &str) -> Result<u8> {
    match parse_u64(w).and_then(|v| u8::try_from(v).ok()) {
        Some(b) => Ok(b),
        None => bail!(UserError::new(
            format!("{what} byte `{w}` is not a number from 0 to 255"),
            "give one byte per word: decimal (`1`), hex (`0x01`) or octal (`01`); or `hex` then hex bytes".to_string(),
        )),
    }
}

/// After `hex`, bpftool takes one byte per word; we also accept runs of pairs
/// (`hex 0100`) since that is how people paste hex.
fn parse_hex_token(w: &str, out: &mut Vec<u8>, what: &str) -> Result<()> {
    let w = w.strip_prefix("0x").unwrap_or(w);
    let ok = !w.is_empty() && w.chars().all(|c| c.is_ascii_hexdigit());
    if ok && w.len() <= 2 {
        out.push(u8::from_str_radix(w, 16)?);
        return Ok(());
    }
    if ok && w.len().is_multiple_of(2) {
        out.extend(hex::decode(w)?);
        return Ok(());
    }
    let why = if ok {
        format!("has an odd number of hex digits ({}), so its last byte is incomplete", w.len())
    } else if w.is_empty() {
        "is empty".to_string()
    } else {
        let bad = w.chars().find(|c| !c.is_ascii_hexdigit()).unwrap_or('?');
        format!("contains `{}`, which is not a hex digit", bad.escape_default())
    };
    bail!(UserError::new(
        format!("{what} hex word `{}` {why}", w.escape_default()),
        "after `hex`, give whole bytes of two hex digits each, like `01 00 0a ff` or `01000aff`".to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn prog_selectors() {
        let cases = [
            ("id 5", ProgSel::Id(5)),
            ("pinned /sys/fs/bpf/p", ProgSel::Pinned("/sys/fs/bpf/p".into())),
            ("/sys/fs/bpf/p", ProgSel::Pinned("/sys/fs/bpf/p".into())),
            ("name xdp_count", ProgSel::Name("xdp_count".into())),
            ("tag 0123456789abcdef", ProgSel::Tag([1, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef])),
            ("tag 01:23:45:67:89:ab:cd:ef", ProgSel::Tag([1, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef])),
        ];
        for (s, want) in cases {
            let w = words(s);
            let mut c = Words::new("prog show", &w);
            assert_eq!(c.take_prog().unwrap(), want, "{s}");
            c.expect_end().unwrap();
        }
    }

    #[test]
    fn bad_selectors_name_the_token() {
        for (s, needle) in [("idd 5", "`idd`"), ("id x", "`x`"), ("tag zz", "`zz`"), ("id", "ends"), ("id -1", "`-1`")]
        {
            let w = words(s);
            let err = Words::new("prog show", &w).take_prog().unwrap_err();
            assert!(format!("{err:#}").contains(needle), "{s}: {err:#}");
        }
    }

    #[test]
    fn map_and_link_selectors() {
        let w = words("name counters");
        assert_eq!(Words::new("map dump", &w).take_map().unwrap(), MapSel::Name("counters".into()));
        let w = words("./rel/pin");
        assert_eq!(Words::new("map dump", &w).take_map().unwrap(), MapSel::Pinned("./rel/pin".into()));
        let w = words("id 9");
        assert_eq!(Words::new("link show", &w).take_link().unwrap(), LinkSel::Id(9));
        let w = words("name x");
        assert!(Words::new("link show", &w).take_link().is_err());
    }

    #[test]
    fn data_forms() {
        let cases = [
            ("1 0 0 0", vec![1, 0, 0, 0]),
            ("hex 01 00 0a ff", vec![1, 0, 10, 255]),
            ("hex 01000aff", vec![1, 0, 10, 255]),
            ("0x01 0 010 255", vec![1, 0, 8, 255]),
        ];
        for (s, want) in cases {
            let w = words(s);
            assert_eq!(Words::new("map lookup", &w).take_data("key").unwrap(), Data::Bytes(want), "{s}");
        }
        let w = words("json {\"a\":1}");
        assert_eq!(Words::new("map update", &w).take_data("value").unwrap(), Data::Json("{\"a\":1}".into()));
    }

    #[test]
    fn data_stops_at_keywords_and_reads_flags() {
        let w = words("key 1 0 0 0 value 2 0 0 0 noexist");
        let mut c = Words::new("map update", &w);
        assert!(c.eat("key"));
        assert_eq!(c.take_data("key").unwrap(), Data::Bytes(vec![1, 0, 0, 0]));
        assert!(c.eat("value"));
        assert_eq!(c.take_data("value").unwrap(), Data::Bytes(vec![2, 0, 0, 0]));
        assert_eq!(c.take_update_flags(), UpdateFlags::NoExist);
        c.expect_end().unwrap();
    }

    #[test]
    fn bad_data() {
        for s in ["256", "x", "hex zz", "", "-1"] {
            let w = words(s);
            assert!(Words::new("map lookup", &w).take_data("key").is_err(), "{s}");
        }
    }

    #[test]
    fn numbers_like_strtoul() {
        assert_eq!(parse_u64("10"), Some(10));
        assert_eq!(parse_u64("0x10"), Some(16));
        assert_eq!(parse_u64("010"), Some(8));
        assert_eq!(parse_u64("0"), Some(0));
        assert_eq!(parse_u64("09"), None);
    }

    /// Random word lists through every reader: errors are fine, panics are not.
    #[test]
    fn fuzz_words_never_panic() {
        const VOCAB: &[&str] = &[
            "id",
            "pinned",
            "name",
            "tag",
            "hex",
            "json",
            "key",
            "value",
            "any",
            "exist",
            "noexist",
            "0x",
            "0x1ff",
            "256",
            "-1",
            "007",
            "09",
            "abc",
            "0g",
            "",
            "\u{0}",
            "\u{1b}[31m",
            "é",
            "18446744073709551616",
            "/sys/fs/bpf/x",
            "ffffffffffffffff",
            "0102030405060708",
            "{",
            "[1,2]",
            "0xffffffffffffffffff",
        ];
        let mut rng = crate::guard::XorShift::seeded(0x5e1ec7);
        for _ in 0..20_000 {
            let words: Vec<String> = (0..rng.below(8))
                .map(|_| {
                    let w = *rng.pick(VOCAB);
                    if rng.below(4) == 0 {
                        String::from_utf8_lossy(&rng.mutate(w.as_bytes())).into_owned()
                    } else {
                        w.to_string()
                    }
                })
                .collect();
            let mut w = Words::new("fuzz", &words);
            let _ = match rng.below(7) {
                0 => w.take_prog().map(drop),
                1 => w.take_map().map(drop),
                2 => w.take_link().map(drop),
                3 => w.take_data("key").map(drop),
                4 => w.take_u32("n").map(drop),
                5 => {
                    let _ = w.take_update_flags();
                    w.expect_end()
                }
                _ => w.take_path("p").map(drop),
            };
        }
    }
}
