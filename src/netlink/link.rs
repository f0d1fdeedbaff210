//! Typed rtnetlink reads of linkes/links: dumps and lookups into netns's own model types. (Being written: issue 3.)
