//! Typed rtnetlink reads of addresses/addresss: dumps and lookups into netns's own model types. (Being written: issue 3.)
