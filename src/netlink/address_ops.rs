//! Typed rtnetlink writes on addresses: add, change, replace, delete,
//! flush. (Being written: issue 3.)
