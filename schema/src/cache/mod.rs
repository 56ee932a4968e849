//! What is kept in memory from the database, for every caller alike (public data only): the copy of the reference
//! tables and the counts of recommendations. Each empties when data changes.

pub mod counts;
pub mod reference;
