//! Typed rtnetlink operations on neighbours. (Being written: see issue 3.)
