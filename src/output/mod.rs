//! Output formats shared by every command.

mod json;

pub use json::JsonWriter;
