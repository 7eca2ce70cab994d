//! The backup engine: where the Allegro client and the database meet.

pub mod map;
