//! Typed rtnetlink operations on routes. (Being written: see issue 3.)
