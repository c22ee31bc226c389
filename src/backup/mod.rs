//! Litestream-compatible replication of the database (work in progress: the LTX codec, the
//! WAL reader and the replica store come first).

pub mod layout;
pub mod ltx;
pub mod store;
pub mod wal;
