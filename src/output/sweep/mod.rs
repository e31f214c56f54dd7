//! A sweep's files: the journal its points are committed to as they finish, the record of one
//! point, the result tables assembled from the records in point order, and reading those
//! tables back for the charts and the report.

pub mod journal;
pub mod matters;
pub mod read;
pub mod record;
pub mod sensitivity;
pub mod tables;

pub use journal::{Journal, JournalError, JournalHeader, JournalWriter, RecordAt};
pub use record::{Num, OrgRecord, PointOverload, PointRecord, RunRecord};
pub use sensitivity::Sensitivity;
pub use tables::SweepTables;
