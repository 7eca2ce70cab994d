//! The entries of a list page, each read on its own: one that does not read (no usable `id`)
//! cannot be kept apart from the others, so it is kept raw and still counted, and a full page
//! still reads as full.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// A page's entries: those that read as `T`, and the others as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T> {
    items: Vec<T>,
    unreadable: Vec<Value>,
}

impl<T: DeserializeOwned> Listed<T> {
    /// Reads each of `raw` as `T`.
    pub fn read(raw: Vec<Value>) -> Self {
        let mut listed = Self {
            items: vec![],
            unreadable: vec![],
        };
        for value in raw {
            match T::deserialize(&value) {
                Ok(item) => listed.items.push(item),
                Err(_) => listed.unreadable.push(value),
            }
        }
        listed
    }
}

impl<T> Listed<T> {
    /// The entries that read.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The entries that did not, as sent.
    pub fn unreadable(&self) -> &[Value] {
        &self.unreadable
    }

    /// Entries in the page, readable or not: a page shorter than the limit is the last.
    pub fn len(&self) -> usize {
        self.items.len() + self.unreadable.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries that read, by value.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The entries that read and the others as sent, by value.
    pub fn into_parts(self) -> (Vec<T>, Vec<Value>) {
        (self.items, self.unreadable)
    }
}
