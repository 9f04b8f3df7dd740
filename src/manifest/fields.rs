//! A reader over the parsed manifest that knows where it is: every error
//! names the field's path (`attach[2].dev`), and a table whose fields were
//! not all read is refused, so a typo is never silently ignored.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use serde_json::{Map, Value};

use crate::error::UserError;

/// Where to read what a field means.
pub const FIX: &str = "see the manifest reference in `bpfpin apply --help` (README: Declarative apply)";

pub fn bad(path: &str, msg: impl std::fmt::Display) -> anyhow::Error {
    UserError::new(format!("{path}: {msg}"), FIX).into()
}

/// One table of the manifest and the keys read from it so far.
pub struct Table<'a> {
    path: String,
    map: &'a Map<String, Value>,
    read: BTreeSet<&'static str>,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

impl<'a> Table<'a> {
    pub fn new(path: &str, v: &'a Value) -> Result<Table<'a>> {
        match v {
            Value::Object(map) => Ok(Table { path: path.to_string(), map, read: BTreeSet::new() }),
            other => Err(bad(
                if path.is_empty() { "manifest" } else { path },
                format!("expected a table, got {}", kind(other)),
            )),
        }
    }

    pub fn path(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) }
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.read.insert(key);
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn str(&mut self, key: &'static str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Err(bad(&self.path(key), "must not be empty")),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(bad(&self.path(key), format!("expected a string, got {}", kind(other)))),
        }
    }

    pub fn req_str(&mut self, key: &'static str) -> Result<String> {
        self.str(key)?.ok_or_else(|| bad(&self.path(key), "is required"))
    }

    /// A string that must be one of `allowed`.
    pub fn choice(&mut self, key: &'static str, allowed: &[&'static str]) -> Result<Option<&'static str>> {
        let Some(s) = self.str(key)? else { return Ok(None) };
        match allowed.iter().find(|a| **a == s) {
            Some(a) => Ok(Some(a)),
            None => Err(bad(&self.path(key), format!("`{s}` is not one of {}", allowed.join(", ")))),
        }
    }

    pub fn uint(&mut self, key: &'static str, max: u64) -> Result<Option<u64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(v) if v <= max => Ok(Some(v)),
                _ => Err(bad(&self.path(key), format!("expected a whole number from 0 to {max}, got {n}"))),
            },
            Some(other) => Err(bad(&self.path(key), format!("expected a number, got {}", kind(other)))),
        }
    }

    /// A list of tables (`[[object]]`); absent is empty.
    pub fn tables(&mut self, key: &'static str) -> Result<Vec<Table<'a>>> {
        let path = self.path(key);
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                items.iter().enumerate().map(|(i, v)| Table::new(&format!("{path}[{i}]"), v)).collect()
            }
            Some(other) => Err(bad(&path, format!("expected a list of tables, got {}", kind(other)))),
        }
    }

    /// The raw value, for fields with several accepted shapes.
    pub fn raw(&mut self, key: &'static str) -> Option<&'a Value> {
        self.get(key)
    }

    /// Refuse keys nobody read: typos and fields of another kind.
    pub fn finish(self) -> Result<()> {
        for k in self.map.keys() {
            if !self.read.contains(k.as_str()) {
                let known: Vec<&str> = self.read.iter().copied().collect();
                bail!(UserError::new(
                    format!("{}: unknown field", self.path(k)),
                    format!("the fields here are: {}", known.join(", ")),
                ));
            }
        }
        Ok(())
    }
}
